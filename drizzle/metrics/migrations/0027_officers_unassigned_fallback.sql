-- D12: an officer Django names no branch for (user_branch NULL or blank) is 'Unassigned', in branch and region, when
-- no hierarchy is curated for them (src/branch-region.ts). The sync wrote upstream's 'Unknown' (NULL) or the blank
-- text as branch, and 'Nigeria' as region; those rows, and the copies on their loans, take the decision's value. Their
-- fingerprint is forgotten, so the next reconciliation copies them again from Django: a branch literally called
-- 'Unknown' there gets its own name back. The loans' trigger queues the loans for the next PAR refresh (the start-up
-- recompute re-aggregates every scope), which moves their shares.
UPDATE "officers"
   SET "branch" = 'Unassigned', "region" = CASE WHEN "region" = 'Nigeria' THEN 'Unassigned' ELSE "region" END,
       "django_fingerprint" = NULL, "updated_at" = now()
 WHERE NOT "hierarchy_curated" AND ("branch" = 'Unknown' OR "branch" ~ '^[ \t\n\r\f\v]*$');--> statement-breakpoint
UPDATE "loans" l
   SET "branch" = o."branch", "region" = o."region", "updated_at" = now()
  FROM "officers" o
 WHERE l."officer_id" = o."officer_id" AND NOT o."hierarchy_curated" AND o."branch" = 'Unassigned'
   AND (l."branch", l."region") IS DISTINCT FROM (o."branch", o."region");
