import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

extension OptimaService {
    /// During OPTIMA-SH from the RAV: the person again has an intact labour offer, so the RAV
    /// resumes advising and the check of Arbeitsbemühungen (concept Kap. 3.3.1: "Sobald die
    /// Stellensuchenden … (wieder) über das intakte Arbeitsangebot verfügen, übernehmen die RAV
    /// wieder deren Beratung … auch parallel zu einer fortlaufenden Sozialberatung"). The social
    /// counselling of OPTIMA-SH continues; the RAV's reduced procedure ends with a resumption task.
    @discardableResult
    public func resumeRAVAdvising(by username: String, caseID: String, note: String? = nil) throws -> TaskOutcomeSummary {
        let user = try staff(username)
        let stored = try visibleCase(user, caseID)
        let c = stored.optimaCase
        guard c.processKind == .optimaSH, c.referrerType == .rav else {
            throw CaseServiceError(.ruleViolation, "Die Beratung durch das RAV parallel zur Sozialberatung wird nur bei OPTIMA-SH mit "
                                   + "Zuweisung durch das RAV wieder aufgenommen. Fall \(caseID) ist \(Glossary.label(c.processKind)).")
        }
        guard user.officeId == c.referrerOfficeId, user.has(.advisor) else {
            throw CaseServiceError(.forbidden, "Die Beratung nimmt die Personalberatung des zuweisenden RAV wieder auf "
                                   + "(\((try? office(c.referrerOfficeId).name) ?? c.referrerOfficeId)).")
        }
        guard c.state == .active else {
            throw CaseServiceError(.ruleViolation, "Der Fall \(caseID) ist nicht in der Fallarbeit (\(Glossary.label(c.state))); "
                                   + "das reduzierte Verfahren des RAV läuft nicht.")
        }
        var variables: [String: Value] = [
            "jobSearchReleased": false,
            "jobSearchReleaseReason": .string("Die Person hat wieder ein intaktes Arbeitsangebot: das RAV berät sie wieder und prüft "
                                              + "die Arbeitsbemühungen, parallel zur Sozialberatung."),
        ]
        if let note, !note.isEmpty { variables["resumeNote"] = .string(note) }
        let (_, result) = try perform(username, "resume-rav-advising", caseOf: { _ in caseID }) { cmd, _ -> Void in
            do {
                try cmd.correlate(message: "intact-labour-offer", correlationKey: caseID, variables: variables)
            } catch let error as EngineError where error.code == .notFound {
                throw CaseServiceError(.ruleViolation, "Im Fall \(caseID) wartet kein reduziertes Verfahren des RAV mit Befreiung von den "
                                       + "Arbeitsbemühungen. Ist die Vereinbarung ALV nicht unterzeichnet, prüft das RAV die "
                                       + "Arbeitsbemühungen ohnehin weiter.")
            }
        }
        return TaskOutcomeSummary(caseID: caseID, createdTasks: result.createdTasks, endedInstances: result.endedInstances)
    }
}

/// What an application command did to the processes of a case.
public struct TaskOutcomeSummary: Sendable {
    public var caseID: String
    public var createdTasks: [TaskRecord]
    public var endedInstances: [Int64]
}
