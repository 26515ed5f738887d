import Foundation

extension Engine {
    /// Checks that stored state agrees with itself: every waiting token has its task, timer or
    /// subscription, every open task belongs to a waiting token, ended instances hold nothing
    /// open. Returns the violations (empty when all is well). Used after crash tests.
    public func invariantViolations() throws -> [String] {
        try store.read { tx in
            var problems: [String] = []
            var ids: [Int64] = []
            var after: Int64 = 0
            while true {
                let page = try tx.instanceIDs(after: after, limit: 1000)
                guard let last = page.last else { break }
                ids.append(contentsOf: page)
                after = last
            }
            for id in ids {
                guard let instance = try tx.instance(id: id) else { continue }
                let tasks = try tx.tasks(instanceID: id)
                let open = tasks.filter { $0.state.isOpen }
                let jobs = try tx.jobs(instanceID: id)
                let subs = try tx.subscriptions(instanceID: id)
                if instance.status != .running {
                    if !open.isEmpty { problems.append("Instanz \(id) ist beendet, hat aber offene Aufgaben \(open.map(\.id)).") }
                    if !jobs.isEmpty { problems.append("Instanz \(id) ist beendet, hat aber Timer \(jobs.map(\.id)).") }
                    if !subs.isEmpty { problems.append("Instanz \(id) ist beendet, hat aber Abonnemente \(subs.map(\.id)).") }
                    continue
                }
                let state = try InstanceState(decoding: instance.state)
                if state.root == nil { problems.append("Instanz \(id) läuft ohne Prozess-Scope.") }
                var waitingTasks: Set<Int64> = []
                for token in state.tokens.values {
                    if state.scopes[token.scopeID] == nil { problems.append("Instanz \(id): Token \(token.id) in fehlendem Scope \(token.scopeID).") }
                    if case .task(let taskID) = token.wait {
                        waitingTasks.insert(taskID)
                        guard let task = open.first(where: { $0.id == taskID }) else {
                            problems.append("Instanz \(id): Token \(token.id) wartet auf Aufgabe \(taskID), die nicht offen ist.")
                            continue
                        }
                        if task.tokenID != token.id { problems.append("Instanz \(id): Aufgabe \(taskID) gehört zu Token \(task.tokenID), nicht \(token.id).") }
                    }
                    if case .subProcess(let scopeID) = token.wait, state.scopes[scopeID] == nil {
                        problems.append("Instanz \(id): Token \(token.id) wartet auf fehlenden Teilprozess-Scope \(scopeID).")
                    }
                }
                for task in open where !waitingTasks.contains(task.id) {
                    problems.append("Instanz \(id): offene Aufgabe \(task.id) (\(task.elementID)) ohne wartendes Token.")
                }
                func targetExists(_ t: SubscriptionTarget) -> Bool {
                    switch t {
                    case .token(let tokenID): state.tokens[tokenID] != nil
                    case .scope(let scopeID): state.scopes[scopeID] != nil
                    }
                }
                for job in jobs where !targetExists(job.target) { problems.append("Instanz \(id): Timer \(job.id) zeigt ins Leere.") }
                for sub in subs where !targetExists(sub.target) { problems.append("Instanz \(id): Abonnement \(sub.id) zeigt ins Leere.") }
                if state.tokens.isEmpty && jobs.isEmpty && subs.isEmpty {
                    problems.append("Instanz \(id) läuft, hat aber nichts mehr, worauf sie wartet.")
                }
            }
            return problems
        }
    }
}
