-- Accepting a member invitation with Google (api/google-members.ts): the Google sign-in's OAuth state names the
-- invited member, so the callback accepts that invitation (and only with that member's address) instead of signing in.
ALTER TABLE oauth_states ADD COLUMN member_id uuid REFERENCES members(id) ON DELETE CASCADE;
