// The Google Ads simulator's offline click conversions (docs/providers/google.md): conversion actions of a customer
// (created by the test, as the artist creates one in Google Ads), and `customers/{id}:uploadClickConversions`, which
// Google serves only in partial-failure mode. Each conversion is checked (gclid, an action of this customer, the
// date-time format, a repeat of the same click and time) and refused alone in `partialFailureError`; accepted ones
// are recorded for the tests. Control under /__control/ads: `conversion-actions`, `conversion-uploads`.
import { randomBytes } from 'node:crypto';
import express, { type Express, type Request, Router } from 'express';
import { type AdsErrorEntry, invalidArgument } from './ads';
import { type GoogleSimState } from './index';

export interface UploadedConversion {
  customerId: string;
  gclid: string;
  conversionAction: string;
  conversionDateTime: string;
  conversionValue?: number;
  currencyCode?: string;
  consent?: Record<string, string>;
  uploadedAt: number;
}

export class ConversionState {
  readonly actions = new Map<string, { customerId: string; name: string }>(); // by resource name
  readonly uploads: UploadedConversion[] = [];
  private nextId = 700_000_000 + Math.floor(Math.random() * 1_000_000);

  createAction(customerId: string, name: string): string {
    const resourceName = `customers/${customerId}/conversionActions/${++this.nextId}`;
    this.actions.set(resourceName, { customerId, name });
    return resourceName;
  }
}

const states = new WeakMap<GoogleSimState, ConversionState>();
export function conversionState(sim: GoogleSimState): ConversionState {
  let s = states.get(sim);
  if (!s) states.set(sim, (s = new ConversionState()));
  return s;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const GCLID = /^[A-Za-z0-9_-]{1,500}$/;

/** The upload itself, after the common checks (auth, developer token, faults) of ads.ts. */
export function uploadClickConversions(state: ConversionState, req: Request, version: string, customerId: string) {
  const body = (req.body ?? {}) as { conversions?: Record<string, unknown>[]; partialFailure?: boolean };
  if (body.partialFailure !== true)
    throw invalidArgument([
      {
        errorCode: { partialFailureError: 'PARTIAL_FAILURE_MODE_REQUIRED' },
        message: 'The partial failure field was false in the request. This method requires this field be set to true.',
      },
    ]);
  const list = Array.isArray(body.conversions) ? body.conversions : [];
  if (list.length === 0)
    throw invalidArgument([
      { errorCode: { fieldError: 'REQUIRED' }, message: 'The required field was not present.', location: at() },
    ]);
  if (list.length > 2000)
    throw invalidArgument([
      {
        errorCode: { conversionUploadError: 'TOO_MANY_CONVERSIONS_IN_REQUEST' },
        message: 'Upload fewer than 2001 events.',
      },
    ]);
  const failed: AdsErrorEntry[] = [];
  const results = list.map((c, index) => {
    const error = conversionError(state, customerId, c, index);
    if (error) {
      failed.push(error);
      return {};
    }
    state.uploads.push({
      ...(c as Omit<UploadedConversion, 'customerId' | 'uploadedAt'>),
      customerId,
      uploadedAt: Date.now(),
    });
    return { gclid: c.gclid, conversionAction: c.conversionAction, conversionDateTime: c.conversionDateTime };
  });
  if (!failed.length) return { results };
  return {
    results,
    partialFailureError: {
      code: 3,
      message: `${failed.length} conversion(s) failed.`,
      details: [
        {
          '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
          errors: failed,
          requestId: randomBytes(11).toString('base64url'),
        },
      ],
    },
  };
}

const at = (index?: number, field?: string) => ({
  fieldPathElements: [
    { fieldName: 'conversions', ...(index === undefined ? {} : { index }) },
    ...(field ? [{ fieldName: field }] : []),
  ],
});

function conversionError(
  state: ConversionState,
  customerId: string,
  c: Record<string, unknown>,
  index: number,
): AdsErrorEntry | null {
  const refuse = (errorCode: Record<string, string>, message: string, field?: string): AdsErrorEntry => ({
    errorCode,
    message,
    location: at(index, field),
  });
  for (const field of ['gclid', 'conversionAction', 'conversionDateTime'])
    if (typeof c[field] !== 'string' || c[field] === '')
      return refuse({ fieldError: 'REQUIRED' }, 'The required field was not present.', field);
  if (!GCLID.test(String(c.gclid)))
    return refuse({ conversionUploadError: 'UNPARSEABLE_GCLID' }, 'The imported gclid could not be decoded.', 'gclid');
  const action = state.actions.get(String(c.conversionAction));
  if (!action || action.customerId !== customerId)
    return refuse(
      { conversionUploadError: 'INVALID_CONVERSION_ACTION' },
      "The conversion action specified in the upload request cannot be found. Make sure it's available in this account.",
      'conversionAction',
    );
  if (!DATE_TIME.test(String(c.conversionDateTime)))
    return refuse(
      { dateError: 'INVALID_FIELD_VALUES_IN_DATE_TIME' },
      'The field values in the date time are invalid.',
      'conversionDateTime',
    );
  const repeat = state.uploads.some(
    (u) =>
      u.gclid === c.gclid && u.conversionAction === c.conversionAction && u.conversionDateTime === c.conversionDateTime,
  );
  if (repeat)
    return refuse(
      { conversionUploadError: 'CLICK_CONVERSION_ALREADY_EXISTS' },
      'The imported event has the same click and conversion_date_time as an existing conversion.',
    );
  return null;
}

/** Test control: create a customer's conversion action; read (and clear) the accepted uploads. */
export function mountConversionControl(app: Express, sim: GoogleSimState): ConversionState {
  const state = conversionState(sim);
  const control = Router();
  control.use(express.json());
  control.post('/conversion-actions', (req, res) => {
    const b = req.body as { customerId?: string; name?: string };
    if (!b.customerId || !/^\d{10}$/.test(b.customerId))
      return res.status(400).json({ error: 'customerId: ten digits' });
    res.json({ resourceName: state.createAction(b.customerId, b.name ?? 'Imported clicks') });
  });
  control.get('/conversion-uploads', (_req, res) => res.json(state.uploads));
  control.delete('/conversion-uploads', (_req, res) => {
    state.uploads.length = 0;
    res.json({ cleared: true });
  });
  app.use('/__control/ads', control);
  return state;
}
