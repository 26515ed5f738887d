import Foundation
import Metrics
import Prometheus
import Synchronization

/// The server's metrics through swift-metrics, exported in Prometheus' text format. The metrics
/// system of a process is bootstrapped once; every server of the process shares the registry.
public final class ServerMetrics: Sendable {
    public static let shared = ServerMetrics()

    let registry: PrometheusCollectorRegistry
    let commands: Metrics.Counter
    let conflicts: Metrics.Counter
    let timersFired: Metrics.Counter
    let timerFailures: Metrics.Counter
    let openTasks: Metrics.Gauge
    let overdueTasks: Metrics.Gauge
    /// `GET /api/tasks` answered from `InboxCache` or read anew.
    let inboxCacheHits: Metrics.Counter
    let inboxCacheMisses: Metrics.Counter

    private init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        commands = Metrics.Counter(label: "nahtstelle_commands_total")
        conflicts = Metrics.Counter(label: "nahtstelle_conflicts_total")
        timersFired = Metrics.Counter(label: "nahtstelle_timers_fired_total")
        timerFailures = Metrics.Counter(label: "nahtstelle_timer_failures_total")
        openTasks = Metrics.Gauge(label: "nahtstelle_open_tasks")
        overdueTasks = Metrics.Gauge(label: "nahtstelle_overdue_tasks")
        inboxCacheHits = Metrics.Counter(label: "nahtstelle_inbox_cache_total", dimensions: [("result", "hit")])
        inboxCacheMisses = Metrics.Counter(label: "nahtstelle_inbox_cache_total", dimensions: [("result", "miss")])
    }

    func command() { commands.increment() }
    func conflict() { conflicts.increment() }

    /// The Prometheus text of every metric, after setting the task gauges.
    func render(openTasks open: Int, overdueTasks overdue: Int) -> [UInt8] {
        openTasks.record(open)
        overdueTasks.record(overdue)
        var out = [UInt8]()
        registry.emit(into: &out)
        return out
    }
}
