// get-catalogue: the catalogue in force as one map, lists ordered by id (null if none loaded).
// params: $legacyRationale (rationale given to effects of catalogues stored before effects existed)
// returns: catalogue
MATCH (cat:Catalogue)
RETURN cat {
  .version, .name, .description,
  securityCapabilities: COLLECT {
    MATCH (c:SecurityCapability) RETURN c {.*} AS x ORDER BY c.code
  },
  attackMethods: COLLECT {
    MATCH (a:AttackMethod)
    RETURN a {.*, capabilityCodes: COLLECT { MATCH (a)-[:COUNTERED_BY_CAPABILITY]->(cap) RETURN cap.code ORDER BY cap.code }} AS x
    ORDER BY a.id
  },
  controls: COLLECT {
    MATCH (c:Control)
    RETURN c {.*,
      capabilityCodes: COLLECT { MATCH (c)-[:IMPLEMENTS_CAPABILITY]->(cap) RETURN cap.code ORDER BY cap.code },
      // Catalogues stored before effects existed have bare MITIGATES links: read as PREVENTS.
      effects: COLLECT {
        MATCH (c)-[m:MITIGATES]->(am)
        RETURN {attackMethodId: am.id, effect: coalesce(m.effect, 'PREVENTS'), factor: m.factor,
                rationale: coalesce(m.rationale, $legacyRationale)} AS e
        ORDER BY am.id
      }
    } AS x
    ORDER BY c.id
  },
  riskClassBaselines: COLLECT {
    MATCH (b:RiskClassBaseline)
    RETURN b {.*,
      requirements: COLLECT {
        MATCH (b)-[:REQUIRES]->(r:BaselineRequirement)-[:FOR_CAPABILITY]->(cap)
        RETURN r {.*, capabilityCode: cap.code,
                  controlIds: COLLECT { MATCH (r)-[:SATISFIED_BY]->(ctl) RETURN ctl.id ORDER BY ctl.id }} AS y
        ORDER BY r.key
      }
    } AS x
    ORDER BY b.riskClass
  },
  telehealthControls: COLLECT {
    MATCH (t:TelehealthControl)
    RETURN t {.*, controlIds: COLLECT { MATCH (t)-[:USES_CONTROL]->(ctl) RETURN ctl.id ORDER BY ctl.id }} AS x
    ORDER BY t.id
  },
  deviceExamples: COLLECT {
    MATCH (e:DeviceExample) RETURN e {.*} AS x ORDER BY e.id
  }
} AS catalogue
LIMIT 1
