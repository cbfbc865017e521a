-- mailroute's first schema. Every row belongs to exactly one tenant; no query crosses tenants.

CREATE TABLE tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A router: one source mailbox (folder) with its targets, thresholds, rules and model.
CREATE TABLE routers (
  tenant_id            text NOT NULL REFERENCES tenants (id),
  id                   text NOT NULL,
  source_mailbox       text NOT NULL,
  source_folder        text NOT NULL DEFAULT 'inbox',
  review_folder        text NOT NULL,
  threshold            double precision NOT NULL CHECK (threshold BETWEEN 0 AND 1),
  mode                 text NOT NULL CHECK (mode IN ('active', 'shadow')),
  -- Mail received before this moment is never acted on in active mode (see shadow -> active).
  mode_changed_at      timestamptz NOT NULL DEFAULT now(),
  active_model_version text,
  -- Set by a change notification; a running delta round that started earlier runs once more, so a
  -- notification that arrives during a round is never lost, whichever process runs the round.
  sync_requested_at    timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE targets (
  tenant_id  text NOT NULL,
  router_id  text NOT NULL,
  label      text NOT NULL,
  name       text NOT NULL,
  action     text NOT NULL CHECK (action IN ('forward', 'move', 'copy')),
  mailbox    text,
  folder     text,
  threshold  double precision CHECK (threshold BETWEEN 0 AND 1),
  enabled    boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant_id, router_id, label),
  FOREIGN KEY (tenant_id, router_id) REFERENCES routers (tenant_id, id) ON DELETE CASCADE,
  CHECK ((action = 'forward') = (mailbox IS NOT NULL))
);

-- One row per message a router has seen. The subject and text are cleaned and PII-masked; they and
-- the sender are cleared after retention.messageTextDays (data.purge), while the row stays as the
-- key of its decision so the message is never routed twice.
CREATE TABLE messages (
  id                   bigserial PRIMARY KEY,
  tenant_id            text NOT NULL,
  router_id            text NOT NULL,
  graph_id             text NOT NULL,          -- Graph immutable id in the source mailbox
  internet_message_id  text,
  sender_address       text,
  received_at          timestamptz NOT NULL,
  ingested_at          timestamptz NOT NULL DEFAULT now(),
  subject_masked       text,
  text_masked          text,
  FOREIGN KEY (tenant_id, router_id) REFERENCES routers (tenant_id, id),
  UNIQUE (tenant_id, router_id, graph_id)
);
CREATE INDEX messages_received ON messages (tenant_id, router_id, received_at);
CREATE INDEX messages_with_content ON messages (ingested_at)
  WHERE text_masked IS NOT NULL OR subject_masked IS NOT NULL OR sender_address IS NOT NULL;

-- What a router did with one message. The unique key on the message is the claim: a replay or a
-- second worker cannot take the same message twice. The lease lets one worker at a time drive the
-- state machine claimed -> decided -> acted -> recorded; a crashed worker's lease runs out and the
-- retry continues from the recorded state (docs/adr/0003-exactly-once-routing.md).
CREATE TABLE decisions (
  id                 bigserial PRIMARY KEY,
  tenant_id          text NOT NULL,
  router_id          text NOT NULL,
  message_id         bigint NOT NULL REFERENCES messages (id),
  state              text NOT NULL CHECK (state IN ('claimed', 'decided', 'acted', 'recorded')),
  outcome            text CHECK (outcome IN ('routed', 'review', 'failed')),
  decided_by         text CHECK (decided_by IN ('override-rule', 'model', 'fallback-rule', 'review', 'error')),
  target_label       text,
  -- false in shadow mode: decided and recorded, nothing done to the mail.
  acted              boolean NOT NULL DEFAULT false,
  action             text,
  model_version      text,
  scores             jsonb,                  -- top-3 [{label, probability}]
  rule_hits          jsonb NOT NULL DEFAULT '{}',
  explanation        jsonb,
  reason             text,
  attempts           integer NOT NULL DEFAULT 0,
  lease_owner        text,
  lease_until        timestamptz,
  claimed_at         timestamptz NOT NULL DEFAULT now(),
  decided_at         timestamptz,
  acted_at           timestamptz,
  recorded_at        timestamptz,
  UNIQUE (message_id),
  FOREIGN KEY (tenant_id, router_id) REFERENCES routers (tenant_id, id)
);
CREATE INDEX decisions_by_router_time ON decisions (tenant_id, router_id, claimed_at);
CREATE INDEX decisions_unfinished ON decisions (state) WHERE state <> 'recorded';

-- The true target of a message, with where that knowledge came from.
CREATE TABLE labels (
  id            bigserial PRIMARY KEY,
  tenant_id     text NOT NULL,
  router_id     text NOT NULL,
  message_id    bigint NOT NULL REFERENCES messages (id),
  target_label  text NOT NULL,
  source        text NOT NULL CHECK (source IN ('ui', 'review', 'implicit', 'history', 'accepted')),
  labelled_by   text,
  labelled_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, router_id) REFERENCES routers (tenant_id, id)
);
CREATE INDEX labels_by_message ON labels (message_id, labelled_at DESC);

CREATE TABLE model_versions (
  id               text PRIMARY KEY,
  tenant_id        text NOT NULL,
  router_id        text NOT NULL,
  path             text NOT NULL,
  sha256           text NOT NULL,
  featurizer_hash  text NOT NULL,
  labels           jsonb NOT NULL,
  metrics          jsonb NOT NULL DEFAULT '{}',
  training_window  jsonb,
  status           text NOT NULL CHECK (status IN ('candidate', 'champion', 'retired')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  promoted_at      timestamptz,
  FOREIGN KEY (tenant_id, router_id) REFERENCES routers (tenant_id, id)
);
CREATE UNIQUE INDEX model_versions_one_champion ON model_versions (tenant_id, router_id) WHERE status = 'champion';

CREATE TABLE retrain_runs (
  id                  bigserial PRIMARY KEY,
  tenant_id           text NOT NULL,
  router_id           text NOT NULL,
  status              text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  candidate_version   text REFERENCES model_versions (id),
  champion_version    text REFERENCES model_versions (id),
  gate_outcome        text CHECK (gate_outcome IN ('promoted', 'held', 'rejected')),
  report              jsonb,
  error               text,
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  FOREIGN KEY (tenant_id, router_id) REFERENCES routers (tenant_id, id)
);

-- Rules are versioned: a change is a new row; the highest version of a name is the rule in force.
CREATE TABLE rules (
  tenant_id    text NOT NULL,
  router_id    text NOT NULL,
  name         text NOT NULL,
  version      integer NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('override', 'fallback')),
  position     integer NOT NULL,
  definition   jsonb NOT NULL,
  enabled      boolean NOT NULL DEFAULT true,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, router_id, name, version),
  FOREIGN KEY (tenant_id, router_id) REFERENCES routers (tenant_id, id)
);

-- Graph delta query cursor per source folder: the nextLink mid-round, or the @odata.deltaLink after
-- the last fully processed page. The key names the mailbox and the folder.
CREATE TABLE delta_tokens (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  cursor_key  text NOT NULL,
  link        text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, cursor_key)
);

CREATE TABLE subscriptions (
  id                 text PRIMARY KEY,        -- Graph subscription id
  tenant_id          text NOT NULL REFERENCES tenants (id),
  mailbox            text NOT NULL,
  folder_id          text NOT NULL,
  expires_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_by_folder ON subscriptions (tenant_id, lower(mailbox), folder_id);

CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  tenant_id     text NOT NULL,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,                -- 'system', a user id, or a job id
  action        text NOT NULL,
  subject_type  text NOT NULL,
  subject_id    text NOT NULL,
  details       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_subject ON audit_log (tenant_id, subject_type, subject_id, at);
