// The few parts of facebook-nodejs-business-sdk (which ships no types) that the conformance test drives.
declare module 'facebook-nodejs-business-sdk' {
  type Params = Record<string, unknown>;

  export class FacebookAdsApi {
    /** The Graph host; a static getter the test redefines to point the SDK at the simulator. */
    static readonly GRAPH: string;
    static readonly VERSION: string;
    static init(accessToken: string, locale?: string, crashLog?: boolean): FacebookAdsApi;
    call(method: 'GET' | 'POST' | 'DELETE', path: string[], params?: Params): Promise<Record<string, unknown>>;
  }

  class GraphObject {
    constructor(id: string);
    readonly id: string;
    readonly _data: Record<string, unknown>;
    get(fields: string[], params?: Params): Promise<this>;
  }
  export class Campaign extends GraphObject {}
  export class AdSet extends GraphObject {}
  export class AdCreative extends GraphObject {}
  export class Ad extends GraphObject {}
  export class AdAccount extends GraphObject {
    createCampaign(fields: string[], params: Params): Promise<Campaign>;
    createAdSet(fields: string[], params: Params): Promise<AdSet>;
    createAdCreative(fields: string[], params: Params): Promise<AdCreative>;
    createAd(fields: string[], params: Params): Promise<Ad>;
    getCampaigns(fields: string[], params?: Params): Promise<Campaign[]>;
    getAds(fields: string[], params?: Params): Promise<Ad[]>;
  }

  export class UserData {
    setEmail(email: string): this;
    setPhone(phone: string): this;
    setClientIpAddress(ip: string): this;
    setClientUserAgent(userAgent: string): this;
    setFbp(fbp: string): this;
  }
  export class CustomData {
    setCurrency(currency: string): this;
    setValue(value: number): this;
  }
  export class ServerEvent {
    setEventName(name: string): this;
    setEventTime(unixSeconds: number): this;
    setEventId(id: string): this;
    setActionSource(source: string): this;
    setEventSourceUrl(url: string): this;
    setUserData(userData: UserData): this;
    setCustomData(customData: CustomData): this;
  }
  export class EventResponse {
    readonly events_received: number;
    readonly fbtrace_id: string;
  }
  export class EventRequest {
    constructor(accessToken: string, pixelId: string);
    setEvents(events: ServerEvent[]): this;
    setTestEventCode(code: string): this;
    execute(): Promise<EventResponse>;
  }
}
