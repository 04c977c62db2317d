// Campaigns as the smart link reads them, kept in this process's memory so a viral burst on one page costs no
// database round trip per view. Correct before fast: every committed change to a campaign, its artist or its pixel
// is announced by PostgreSQL (db/campaign-changes.ts) and drops the copy here, so a page reflects a cancel or a
// release going live within milliseconds, in every API process. While the announcements cannot be heard (the
// listening connection is down) nothing is served from memory: every request reads PostgreSQL, as without a cache.
//
// Each entry also keeps the pages rendered from it (the part of a page that is the same for every visitor), so a
// campaign state is rendered once, not once per view. Only campaigns that exist are kept: a miss costs a query, as
// before, and junk slugs cannot fill memory.
import { createHash } from 'node:crypto';
import { type Campaign, findCampaignById, findCampaignBySlug } from '../db/campaigns';
import { type CampaignChangeListener, listenForCampaignChanges } from '../db/campaign-changes';
import { countdownUrlBySlug, platformLinksBySlug } from '../db/platform-links';
import { type DatabasePool } from '../db/pool';
import { type ReleaseLink, releaseLinks } from '../lib/platforms/catalog-fill';
import { type Logger } from '../lib/logger';
import { type AppDeps } from './deps';

// Bounds on memory: at most 2,000 campaigns × 16 rendered variants of ~3-4 KB, about 120 MB, should someone
// request every campaign in every language with many source queries; a real hot set (the pages being shared right
// now) is far smaller.
const MAX_CAMPAIGNS = 2_000;
/**
 * Rendered variants kept per campaign state: one per language (six, lib/i18n) and distinct source query of the
 * page's links. Past the bound a variant is rendered for each request, as without a cache.
 */
const MAX_PAGES_PER_CAMPAIGN = 16;

export interface RenderedPage {
  body: Buffer;
  /** strong: the body is the same bytes for everyone who gets this variant */
  etag: string;
}

export interface CachedCampaign {
  campaign: Campaign;
  /** the release's links per platform, filled ones resolved, in the artist's order (db/platform-links.ts) */
  links: ReleaseLink[];
  /** the release's Spotify Countdown Page, when the artist added it */
  countdownUrl: string | null;
  /** rendered pages of this state, by variant key; private to the entry, so it goes when the entry goes */
  page(key: string, render: () => string): RenderedPage;
}

export class CampaignCache {
  private readonly entries = new Map<string, { cached: CachedCampaign; loadedAt: number }>();
  private readonly slugById = new Map<string, string>();
  private readonly loading = new Map<string, Promise<CachedCampaign | null>>();
  /** bumped by every change notice: a read that started before one may hold the old row and is not kept */
  private generation = 0;
  private listening = false;
  private closed = false;
  private listener: CampaignChangeListener | null = null;

  constructor(
    private readonly pool: DatabasePool,
    private readonly logger: Logger,
    private readonly maxAgeMs: number,
  ) {}

  /** The campaign behind a smart link's slug, or null when there is none. */
  async bySlug(slug: string): Promise<CachedCampaign | null> {
    if (!this.listening) {
      this.listen(); // on first use, not when the app is built
      return this.read(slug);
    }
    const hit = this.entries.get(slug);
    if (hit && Date.now() - hit.loadedAt < this.maxAgeMs) return hit.cached;
    let pending = this.loading.get(slug);
    if (!pending) {
      // One read per slug at a time: a burst on a page just changed waits for the same row.
      pending = this.load(slug).finally(() => {
        if (this.loading.get(slug) === pending) this.loading.delete(slug);
      });
      this.loading.set(slug, pending);
    }
    return pending;
  }

  /** A campaign by id (a pre-save's callback): from memory when its page was read here lately, else PostgreSQL. */
  async byId(id: string): Promise<Campaign | null> {
    const slug = this.listening ? this.slugById.get(id) : undefined;
    const hit = slug === undefined ? undefined : this.entries.get(slug);
    if (hit && Date.now() - hit.loadedAt < this.maxAgeMs) return hit.cached.campaign;
    return findCampaignById(this.pool, id);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    await this.listener?.close();
  }

  private listen(): void {
    if (this.listener || this.closed || this.maxAgeMs === 0) return;
    this.listener = listenForCampaignChanges(this.pool, {
      onChange: (id) => this.forget(id),
      onListening: () => {
        this.forget('*'); // whatever changed while nobody listened
        this.listening = true;
      },
      onLost: (error) => {
        this.listening = false;
        this.forget('*');
        this.logger.warn({ err: error }, 'campaign change notices lost: smart link reads PostgreSQL until back');
      },
    });
  }

  private async load(slug: string): Promise<CachedCampaign | null> {
    const generation = this.generation;
    const cached = await this.read(slug);
    if (!cached || generation !== this.generation || !this.listening) return cached;
    if (this.entries.size >= MAX_CAMPAIGNS) this.evictOldest();
    this.entries.delete(slug); // re-inserted last: the Map's order is the age order evictOldest relies on
    this.entries.set(slug, { cached, loadedAt: Date.now() });
    this.slugById.set(cached.campaign.id, slug);
    return cached;
  }

  private async read(slug: string): Promise<CachedCampaign | null> {
    const [campaign, rows, countdownUrl] = await Promise.all([
      findCampaignBySlug(this.pool, slug),
      platformLinksBySlug(this.pool, slug),
      countdownUrlBySlug(this.pool, slug),
    ]);
    return campaign ? withPages(campaign, releaseLinks(campaign, rows), countdownUrl) : null;
  }

  private forget(id: string): void {
    this.generation++;
    if (id === '*') {
      this.entries.clear();
      this.slugById.clear();
      this.loading.clear();
      return;
    }
    const slug = this.slugById.get(id);
    if (slug === undefined) return;
    this.slugById.delete(id);
    this.entries.delete(slug);
    this.loading.delete(slug);
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done) return;
    const entry = this.entries.get(oldest.value);
    this.entries.delete(oldest.value);
    if (entry) this.slugById.delete(entry.cached.campaign.id);
  }
}

function withPages(campaign: Campaign, links: ReleaseLink[], countdownUrl: string | null): CachedCampaign {
  const pages = new Map<string, RenderedPage>();
  return {
    campaign,
    links,
    countdownUrl,
    page(key, render) {
      const known = pages.get(key);
      if (known) return known;
      const body = Buffer.from(render());
      const page = { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"` };
      if (pages.size < MAX_PAGES_PER_CAMPAIGN) pages.set(key, page);
      return page;
    },
  };
}

/** The app's cache: the one main.ts made (and closes at exit), else one made here from the configuration. */
export function campaignCacheFor(deps: AppDeps): CampaignCache {
  deps.campaigns ??= new CampaignCache(deps.pool, deps.logger, deps.config.CAMPAIGN_CACHE_MAX_AGE_MS);
  return deps.campaigns;
}
