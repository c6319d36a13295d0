// Users, API keys and the audit trail (issue #5). Usernames are unique case-insensitively: the
// service stores `usernameKey` = lower-cased username.
CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE;
CREATE CONSTRAINT user_username_key IF NOT EXISTS FOR (u:User) REQUIRE u.usernameKey IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (e:AuditEvent) REQUIRE e.id IS UNIQUE;
CREATE INDEX audit_event_at IF NOT EXISTS FOR (e:AuditEvent) ON (e.at);
CREATE INDEX audit_event_model IF NOT EXISTS FOR (e:AuditEvent) ON (e.modelId, e.modelVersion);
