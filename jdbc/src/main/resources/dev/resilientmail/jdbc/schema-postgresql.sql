-- resilient-mail-jdbc schema, version 1, for PostgreSQL 12 or newer.
-- Run it once per database (or set createSchema(true) / resilient-mail.jdbc.initialize-schema=true).
-- Every statement is idempotent: running it again changes nothing.

-- Which version of this script the tables follow.
CREATE TABLE IF NOT EXISTS resilient_mail_schema (
	version INT NOT NULL
);
INSERT INTO resilient_mail_schema (version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM resilient_mail_schema);

-- Bucket4j's buckets: one row per destination (host:port), its state serialised by Bucket4j.
CREATE TABLE IF NOT EXISTS resilient_mail_bucket (
	id VARCHAR(255) PRIMARY KEY,
	state BYTEA,
	expires_at BIGINT
);

-- The adaptive limit of each destination, shared by every instance: the limit in force,
-- when it was last lowered, and the successes counted towards raising it again.
CREATE TABLE IF NOT EXISTS resilient_mail_rate_limit (
	destination VARCHAR(255) PRIMARY KEY,
	configured_limit INT NOT NULL,
	period_millis BIGINT NOT NULL,
	current_limit INT NOT NULL,
	last_decrease_millis BIGINT NOT NULL,
	period_start_millis BIGINT NOT NULL,
	successes_this_period INT NOT NULL,
	successes_last_period INT NOT NULL,
	successes_at_limit INT NOT NULL
);

-- Waiting, uncertain and dead retries: one row per message key (its Message-ID).
-- state: WAITING (due at due_at), SENDING (an instance is attempting it), UNCERTAIN (may have been
-- delivered: not resent), DEAD (no further attempt; reason says why).
CREATE TABLE IF NOT EXISTS resilient_mail_retry (
	message_key VARCHAR(998) PRIMARY KEY,
	state VARCHAR(16) NOT NULL,
	message BYTEA NOT NULL,
	message_sha256 BYTEA NOT NULL,
	envelope_sender VARCHAR(998) NOT NULL,
	recipients TEXT NOT NULL,
	attempts INT NOT NULL,
	last_kind VARCHAR(32) NOT NULL,
	last_reason VARCHAR(64),
	last_enhanced_code VARCHAR(16) NOT NULL,
	last_reply TEXT,
	due_at TIMESTAMP WITH TIME ZONE NOT NULL,
	reason TEXT,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_by VARCHAR(255)
);
CREATE INDEX IF NOT EXISTS resilient_mail_retry_state_idx ON resilient_mail_retry (state);

-- db-scheduler's table (its PostgreSQL schema, under our name): which retry is due when, and
-- which instance picked it.
CREATE TABLE IF NOT EXISTS resilient_mail_scheduled_tasks (
	task_name TEXT NOT NULL,
	task_instance TEXT NOT NULL,
	task_data BYTEA,
	execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
	picked BOOLEAN NOT NULL,
	picked_by TEXT,
	last_success TIMESTAMP WITH TIME ZONE,
	last_failure TIMESTAMP WITH TIME ZONE,
	consecutive_failures INT,
	last_heartbeat TIMESTAMP WITH TIME ZONE,
	version BIGINT NOT NULL,
	priority SMALLINT,
	PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX IF NOT EXISTS resilient_mail_scheduled_tasks_execution_time_idx ON resilient_mail_scheduled_tasks (execution_time);
CREATE INDEX IF NOT EXISTS resilient_mail_scheduled_tasks_last_heartbeat_idx ON resilient_mail_scheduled_tasks (last_heartbeat);
CREATE INDEX IF NOT EXISTS resilient_mail_scheduled_tasks_priority_idx ON resilient_mail_scheduled_tasks (priority DESC, execution_time ASC);
