import NahtstelleDefinition

/// Foundation also has an `Expression`; in this module it always means the BPMN one.
typealias Expression = NahtstelleDefinition.Expression
