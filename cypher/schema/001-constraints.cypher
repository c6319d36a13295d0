// Constraints and indexes, applied idempotently in order at start-up (graph/schema.ts).
// One statement per `;`-terminated block. Element ids are unique per model across ALL element
// kinds (:ModelElement), so a control placement's elementId is unambiguous.
CREATE CONSTRAINT threat_model_id IF NOT EXISTS FOR (m:ThreatModel) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT model_element_key IF NOT EXISTS FOR (n:ModelElement) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT zone_key IF NOT EXISTS FOR (n:Zone) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT device_key IF NOT EXISTS FOR (n:Device) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT interface_key IF NOT EXISTS FOR (n:Interface) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT channel_key IF NOT EXISTS FOR (n:Channel) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT asset_key IF NOT EXISTS FOR (n:Asset) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT vulnerability_key IF NOT EXISTS FOR (n:Vulnerability) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT control_placement_key IF NOT EXISTS FOR (n:ControlPlacement) REQUIRE (n.modelId, n.id) IS UNIQUE;
CREATE CONSTRAINT security_capability_code IF NOT EXISTS FOR (c:SecurityCapability) REQUIRE c.code IS UNIQUE;
CREATE CONSTRAINT attack_method_id IF NOT EXISTS FOR (a:AttackMethod) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT control_id IF NOT EXISTS FOR (c:Control) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT risk_class_baseline_class IF NOT EXISTS FOR (b:RiskClassBaseline) REQUIRE b.riskClass IS UNIQUE;
CREATE CONSTRAINT telehealth_control_id IF NOT EXISTS FOR (t:TelehealthControl) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT device_example_id IF NOT EXISTS FOR (e:DeviceExample) REQUIRE e.id IS UNIQUE;
CREATE INDEX model_element_model IF NOT EXISTS FOR (n:ModelElement) ON (n.modelId);
CREATE INDEX zone_model IF NOT EXISTS FOR (n:Zone) ON (n.modelId);
CREATE INDEX device_model IF NOT EXISTS FOR (n:Device) ON (n.modelId);
CREATE INDEX interface_model IF NOT EXISTS FOR (n:Interface) ON (n.modelId);
CREATE INDEX channel_model IF NOT EXISTS FOR (n:Channel) ON (n.modelId);
CREATE INDEX asset_model IF NOT EXISTS FOR (n:Asset) ON (n.modelId);
CREATE INDEX vulnerability_model IF NOT EXISTS FOR (n:Vulnerability) ON (n.modelId);
CREATE INDEX control_placement_model IF NOT EXISTS FOR (n:ControlPlacement) ON (n.modelId);
CREATE INDEX device_external_id IF NOT EXISTS FOR (n:Device) ON (n.modelId, n.externalId);
