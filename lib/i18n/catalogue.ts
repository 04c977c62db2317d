// The shape of a language's messages: English's (./en.ts). Every other language is declared `: Messages`, so a
// missing or misspelt key is a type error; test/unit/i18n-catalogue.test.ts checks the same at run time.
import { type en } from './en';

export type Messages = typeof en;
