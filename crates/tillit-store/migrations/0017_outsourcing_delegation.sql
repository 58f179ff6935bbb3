-- A delegated right to decide outsourcing cases, granted by an administrator to a member who is not
-- an information owner: the delegation it rests on, as written (e.g. the point of the board's
-- delegation order). No delegation (NULL) is no right beyond the member's role.
ALTER TABLE memberships ADD COLUMN outsourcing_delegation TEXT;
