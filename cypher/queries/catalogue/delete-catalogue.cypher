// delete-catalogue: removes the catalogue in force (placements keep their controlId and are re-linked by link-placements).
// params: none
// returns: nothing
MATCH (n)
WHERE n:Catalogue OR n:SecurityCapability OR n:AttackMethod OR n:Control OR n:RiskClassBaseline
   OR n:BaselineRequirement OR n:TelehealthControl OR n:DeviceExample
DETACH DELETE n
