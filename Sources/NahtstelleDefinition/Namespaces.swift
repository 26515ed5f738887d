/// The XML namespaces the parser understands.
enum Namespace {
    static let bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    /// BPMN diagram interchange (shapes and edges): ignored, but its ids count.
    static let bpmnDI = "http://www.omg.org/spec/BPMN/20100524/DI"
    /// Nahtstelle's own extension attributes (prefix `nahtstelle`).
    static let nahtstelle = "http://nahtstelle.ch/schema/bpmn"
    /// Camunda 7 extensions, so that models from Camunda Modeler work.
    static let camunda = "http://camunda.org/schema/1.0/bpmn"
    /// Camunda 8 (Zeebe) extensions.
    static let zeebe = "http://camunda.org/schema/zeebe/1.0"
}
