-- Issue 16, "The fan's language": the language a fan chose (or their browser asked for) is kept with what they
-- signed up for, so release-day messages, re-consent nudges and deletion links go out in it (docs/smart-link.md
-- "Languages"). NULL: a row from before languages, spoken to in English as it was then.
--
-- subscribers.consent_version: which wording of the consent the fan agreed to (lib/i18n, `consent.version`, one
-- per language), beside the exact text already stored in consent_text; with lang, what they agreed to can be shown
-- later in the language they saw. NULL: a subscription from before versions (its consent_text is the record).
ALTER TABLE subscribers ADD COLUMN lang text CHECK (lang ~ '^[a-z]{2}$');
ALTER TABLE subscribers ADD COLUMN consent_version text;
ALTER TABLE presaves ADD COLUMN lang text CHECK (lang ~ '^[a-z]{2}$');
-- The fan's language across the Spotify sign-in (the thank-you page and the pre-save row are in it).
ALTER TABLE oauth_states ADD COLUMN lang text CHECK (lang ~ '^[a-z]{2}$');
