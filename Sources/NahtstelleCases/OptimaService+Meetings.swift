import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

extension OptimaService {
    /// An additional or moved Standortgespräch: the referring office may ask for one for
    /// important reasons (concept Kap. 3.2, e.g. an unplanned termination), and the OPTIMA-Stelle
    /// may move the agreed date. The new date replaces `nextMeetingAt` (the one date the timer,
    /// the case page and the letters use), and the OPTIMA-Stelle gets the invitation task again,
    /// so client and referrer receive letters with the new date.
    /// - Parameters:
    ///   - at: the new date and time of the meeting; must lie in the future.
    ///   - reason: why (required when the referrer asks: the concept allows it for important reasons).
    @discardableResult
    public func rescheduleStatusMeeting(by username: String, caseID: String, at: Date, reason: String) throws -> TaskOutcomeSummary {
        let user = try staff(username)
        let stored = try visibleCase(user, caseID)
        let c = stored.optimaCase
        let isReferrer = user.officeId == c.referrerOfficeId
        guard user.has(.advisor), isReferrer || user.officeId == c.receiverOfficeId else {
            throw CaseServiceError(.forbidden, "Ein zusätzliches oder verschobenes Standortgespräch verlangen die Fallführung der "
                                   + "zuweisenden Stelle oder der OPTIMA-Stelle.")
        }
        guard c.state == .active else {
            throw CaseServiceError(.ruleViolation, "Der Fall \(caseID) ist nicht in der Fallarbeit (\(Glossary.label(c.state))); "
                                   + "es gibt kein Standortgespräch zu verschieben.")
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw CaseServiceError(.invalidInput, "Grund: Angabe fehlt. Ein zusätzliches Standortgespräch gibt es aus wichtigen Gründen "
                                   + "(z. B. eine ungeplante Kündigung); bitte den Grund nennen.", field: "reason")
        }
        guard at > clock() else {
            throw CaseServiceError(.invalidInput, "Neuer Termin: \(TemplateData.dateTimeText(at)) liegt nicht in der Zukunft. "
                                   + "Bitte einen kommenden Termin angeben.", field: "at")
        }
        let variables: [String: Value] = [
            "nextMeetingAt": .dateTime(at), "meetingAt": .dateTime(at), "rescheduleReason": .string(text),
            "rescheduledBy": .string(user.username),
        ]
        let (_, result) = try perform(username, "reschedule-status-meeting", caseOf: { _ in caseID }) { cmd, db -> Void in
            do {
                try cmd.correlate(message: "status-meeting-rescheduled", correlationKey: caseID, variables: variables)
            } catch let error as EngineError where error.code == .notFound {
                throw CaseServiceError(.ruleViolation, "Im Fall \(caseID) ist gerade kein Standortgespräch angesetzt, das verschoben werden "
                                       + "kann: entweder ist die Einladung noch offen (dort das Datum setzen) oder das Gespräch ist "
                                       + "fällig und wird eben geführt.")
            }
            var updated = c
            updated.nextStatusMeetingAt = ISODateTime.localDate(of: at)
            try db.updateLifecycle(updated)
            if isReferrer, let advisor = c.receiverAdvisor {
                try db.insertNotification(
                    caseID: caseID, office: c.receiverOfficeId, role: nil, username: advisor, kind: "status-meeting-rescheduled",
                    text: "Die zuweisende Stelle (\(user.displayName)) verlangt im Fall \(caseID) ein Standortgespräch am "
                        + "\(TemplateData.dateTimeText(at)). Grund: \(text). Bitte neu einladen.", at: cmd.now)
            }
        }
        return TaskOutcomeSummary(caseID: caseID, createdTasks: result.createdTasks, endedInstances: result.endedInstances)
    }
}
