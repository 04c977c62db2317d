// A campaign's UPC as a distributor prints it: the zero-padded GTIN-14 of a release the catalogue files as a 12-digit
// UPC-A, and a UPC-A for one filed as an EAN-13, are both accepted and resolve to the album.
import {
  addRelease,
  artistAccount,
  http,
  nextUpc,
  postCampaign,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';

const stack = useReleaseStack();

async function resolutionOf(upcGiven: string, upcInCatalogue: string) {
  const account = await artistAccount(stack);
  addRelease(stack, upcInCatalogue, Date.now() - 1_000);
  const { campaign } = await postCampaign(stack, account, `Barcode ${upcGiven}`, { upc: upcGiven });
  expect(campaign.status).toBe(201);
  const view = await waitFor(
    'the release resolved',
    () => http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}`, { headers: account.headers }),
    (r) => r.data.resolution !== 'unresolved',
  );
  return view.data.resolution as string;
}

describe('release barcodes in every GTIN form', () => {
  it('finds the album filed as UPC-A from its zero-padded GTIN-14', async () => {
    const upc = nextUpc();
    expect(await resolutionOf(`00${upc}`, upc)).toBe('live');
  });

  it('finds the album filed as EAN-13 from its UPC-A', async () => {
    const upc = nextUpc();
    expect(await resolutionOf(upc, `0${upc}`)).toBe('live');
  });

  it('refuses a GTIN-14 with a wrong check digit, and changes nothing', async () => {
    const account = await artistAccount(stack);
    const upc = nextUpc();
    const wrong = `00${upc.slice(0, -1)}${(Number(upc.slice(-1)) + 1) % 10}`;
    const { campaign } = await postCampaign(stack, account, 'Bad barcode', { upc: wrong });
    expect(campaign.status).toBe(400);
    expect(campaign.data.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'upc' })]));
    const list = await http.get(`${stack.api.url}/v1/campaigns`, { headers: account.headers });
    expect(list.data.items).toEqual([]);
  });
});
