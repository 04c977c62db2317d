// Loaded by path (the workflow sandbox needs it too): failure messages and stack traces move into an encoded
// payload, so an error that quotes a value does not put it in plaintext history.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
