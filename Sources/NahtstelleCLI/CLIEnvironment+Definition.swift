import NahtstelleDefinition

extension DefinitionError: NahtstelleDefinitionErrorPrinting {
    var printable: String { problems.map(\.description).joined(separator: "\n") }
}
