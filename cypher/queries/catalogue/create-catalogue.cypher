// create-catalogue: writes a validated catalogue (domain/catalogue.ts) as a graph.
// params: $catalogue {version, name, description, bundled}, $capabilities [{code,name,description,provenanceStatus,provenanceSource}],
//         $attackMethods [{id, props, capabilityCodes}], $controls [{id, props, capabilityCodes, effects: [{attackMethodId, effect, factor|null, rationale}]}],
//         $baselines [{riskClass, props, requirements [{key, props, capabilityCode, controlIds}]}],
//         $telehealthControls [{id, props, controlIds}], $deviceExamples [{id, props}]
// returns: version
CREATE (cat:Catalogue {version: $catalogue.version, name: $catalogue.name, description: $catalogue.description,
                      bundled: $catalogue.bundled})
WITH cat
CALL () {
  UNWIND $capabilities AS c
  CREATE (:SecurityCapability {code: c.code, name: c.name, description: c.description,
          provenanceStatus: c.provenanceStatus, provenanceSource: c.provenanceSource})
}
CALL () {
  UNWIND $attackMethods AS a
  CREATE (m:AttackMethod {id: a.id})
  SET m += a.props
  WITH m, a
  UNWIND a.capabilityCodes AS code
  MATCH (cap:SecurityCapability {code: code})
  CREATE (m)-[:COUNTERED_BY_CAPABILITY]->(cap)
}
CALL () {
  UNWIND $controls AS c
  CREATE (ctl:Control {id: c.id})
  SET ctl += c.props
  WITH ctl, c
  CALL (ctl, c) {
    UNWIND c.capabilityCodes AS code
    MATCH (cap:SecurityCapability {code: code})
    CREATE (ctl)-[:IMPLEMENTS_CAPABILITY]->(cap)
  }
  CALL (ctl, c) {
    UNWIND c.effects AS e
    MATCH (am:AttackMethod {id: e.attackMethodId})
    CREATE (ctl)-[m:MITIGATES {effect: e.effect, rationale: e.rationale}]->(am)
    SET m.factor = e.factor
  }
}
CALL () {
  UNWIND $baselines AS b
  CREATE (base:RiskClassBaseline {riskClass: b.riskClass})
  SET base += b.props
  WITH base, b
  UNWIND b.requirements AS r
  CREATE (req:BaselineRequirement {key: r.key})
  SET req += r.props
  CREATE (base)-[:REQUIRES]->(req)
  WITH req, r
  CALL (req, r) {
    MATCH (cap:SecurityCapability {code: r.capabilityCode})
    CREATE (req)-[:FOR_CAPABILITY]->(cap)
  }
  CALL (req, r) {
    UNWIND r.controlIds AS cid
    MATCH (ctl:Control {id: cid})
    CREATE (req)-[:SATISFIED_BY]->(ctl)
  }
}
CALL () {
  UNWIND $telehealthControls AS t
  CREATE (tc:TelehealthControl {id: t.id})
  SET tc += t.props
  WITH tc, t
  UNWIND t.controlIds AS cid
  MATCH (ctl:Control {id: cid})
  CREATE (tc)-[:USES_CONTROL]->(ctl)
}
CALL () {
  UNWIND $deviceExamples AS e
  CREATE (ex:DeviceExample {id: e.id})
  SET ex += e.props
}
RETURN cat.version AS version
