// Named snapshots of a model (issue #5 item 5): whole exchange documents kept for review meetings.
// A snapshot name is unique per model; snapshots are listed per model, newest first.
CREATE CONSTRAINT model_snapshot_id IF NOT EXISTS FOR (s:ModelSnapshot) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT model_snapshot_name IF NOT EXISTS FOR (s:ModelSnapshot) REQUIRE (s.modelId, s.name) IS UNIQUE;
CREATE INDEX model_snapshot_model IF NOT EXISTS FOR (s:ModelSnapshot) ON (s.modelId, s.createdAt);
