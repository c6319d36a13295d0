// list-placed-control-ids: control ids used by placements in any model (a new catalogue must keep them).
// params: none
// returns: controlId, modelId, placementId
MATCH (p:ControlPlacement)
RETURN p.controlId AS controlId, p.modelId AS modelId, p.id AS placementId
ORDER BY controlId, modelId, placementId
