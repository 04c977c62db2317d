-- Issue 18: the artist edits a variant's words in the app before approving it. The edit is linted like written copy
-- (api/routes/ad-copy.ts); edited_at tells the copy the artist wrote from the copy the writer wrote.
ALTER TABLE ad_copy_variants ADD COLUMN edited_at timestamptz;
