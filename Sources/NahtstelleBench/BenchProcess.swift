/// The benchmark's process: 13 user tasks, two exclusive gateways, one loop. An instance run
/// completes 14 tasks: t1–t3, t4 or t5, t6, t7, t8, t6 and t7 again after the loop, t9–t13.
enum BenchProcess {
    static let id = "bench-thirteen"
    static let completionsPerInstance = 14
    static let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
                     xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn"
                     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                     id="bench" targetNamespace="http://nahtstelle.ch/bench">
          <process id="bench-thirteen" name="Benchmark" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f0" sourceRef="start" targetRef="t1"/>
            \(task(1))<sequenceFlow id="f1" sourceRef="t1" targetRef="t2"/>
            \(task(2))<sequenceFlow id="f2" sourceRef="t2" targetRef="t3"/>
            \(task(3))<sequenceFlow id="f3" sourceRef="t3" targetRef="g1"/>
            <exclusiveGateway id="g1" default="f4b"/>
            <sequenceFlow id="f4a" sourceRef="g1" targetRef="t4">
              <conditionExpression xsi:type="tFormalExpression">=route = "fast"</conditionExpression>
            </sequenceFlow>
            <sequenceFlow id="f4b" sourceRef="g1" targetRef="t5"/>
            \(task(4))<sequenceFlow id="f5a" sourceRef="t4" targetRef="m1"/>
            \(task(5))<sequenceFlow id="f5b" sourceRef="t5" targetRef="m1"/>
            <exclusiveGateway id="m1"/>
            <sequenceFlow id="f6" sourceRef="m1" targetRef="t6"/>
            \(task(6))<sequenceFlow id="f7" sourceRef="t6" targetRef="t7"/>
            \(task(7))<sequenceFlow id="f8" sourceRef="t7" targetRef="g2"/>
            <exclusiveGateway id="g2" default="f9b"/>
            <sequenceFlow id="f9a" sourceRef="g2" targetRef="t8">
              <conditionExpression xsi:type="tFormalExpression">=review = "again"</conditionExpression>
            </sequenceFlow>
            \(task(8))<sequenceFlow id="f10" sourceRef="t8" targetRef="m1"/>
            <sequenceFlow id="f9b" sourceRef="g2" targetRef="t9"/>
            \(task(9))<sequenceFlow id="f11" sourceRef="t9" targetRef="t10"/>
            \(task(10))<sequenceFlow id="f12" sourceRef="t10" targetRef="t11"/>
            \(task(11))<sequenceFlow id="f13" sourceRef="t11" targetRef="t12"/>
            \(task(12))<sequenceFlow id="f14" sourceRef="t12" targetRef="t13"/>
            \(task(13))<sequenceFlow id="f15" sourceRef="t13" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """

    private static func task(_ n: Int) -> String {
        "<userTask id=\"t\(n)\" name=\"Schritt \(n)\" nahtstelle:role=\"advisor\" nahtstelle:office=\"=office\"/>\n    "
    }
}
