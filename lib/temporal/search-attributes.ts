// Typed search attributes registered on every Temporal server we start (dev server flags, docker-compose job).
// Values are opaque ids and kinds only: search attributes are not encrypted, so no personal data goes here.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CampaignId = defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD);
export const AccountId = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const Kind = defineSearchAttributeKey('Kind', SearchAttributeType.KEYWORD);

export const allSearchAttributes = [CampaignId, AccountId, Kind];

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', BOOL: 'Bool' };
  return allSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type] ?? key.type}`]);
}
