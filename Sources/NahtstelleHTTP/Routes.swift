import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleOptima

extension API {
    /// Every route of the server, in the order of docs/server.md.
    var routes: [Route] {
        let common: [Int: String] = [400: "Anfrage fehlerhaft", 401: "Nicht angemeldet", 500: "Interner Fehler (mit Referenz)"]
        func r(_ extra: [Int: String]) -> [Int: String] { common.merging(extra) { _, new in new } }
        let limit = Route.Parameter(name: "limit", description: "Höchstens so viele Einträge (1–200, Vorgabe 50)", schema: Schema.integer(max: 200))
        let taskCursor = Route.Parameter(name: "cursor", description: "Wert «next» der vorigen Seite",
                                         schema: Schema.text(maxLength: 64, pattern: "^(-|[0-9]{1,12}(\\.[0-9]{1,17})?):[1-9][0-9]{0,17}$"))
        let caseCursor = Route.Parameter(name: "cursor", description: "Wert «next» der vorigen Seite",
                                         schema: Schema.text(maxLength: 32, pattern: "^OPT-[0-9]{4}-[0-9]{4,8}$"))
        let session = Schema.object(["username": Schema.text(maxLength: 64, minLength: 1), "password": Schema.text(maxLength: 256, minLength: 1)],
                                    required: ["username", "password"])
        let completion = Schema.object(["values": Schema.anyObject], required: ["values"])
        let followUpSchema = Schema.object(["until": Schema.date], required: ["until"])
        let followUpView = Route.Parameter(name: "followUp", description: "Wiedervorlagen: hide (Vorgabe), show (alle), only (nur diese)",
                                           schema: Schema.enumeration(FollowUpView.allCases.map(\.rawValue)))
        let application = Schema.object(["receiverOffice": Schema.text(maxLength: 64, minLength: 1), "values": Schema.anyObject],
                                        required: ["receiverOffice", "values"])
        let ownMeasureBody = Schema.object([
            "measure": Schema.text(maxLength: 200, minLength: 1), "provider": Schema.text(maxLength: 200, minLength: 1),
            "providerAddress": Schema.text(maxLength: 200), "periodFrom": Schema.date, "periodTo": Schema.date,
            "amount": .context(["type": ["number", "string"], "description": "CHF, z. B. 1250.50 oder \"1'250.50\""]),
        ], required: ["measure", "provider", "periodFrom", "periodTo", "amount"])
        let rescheduleBody = Schema.object([
            "at": .context(["type": "string", "format": "date-time", "description": "JJJJ-MM-TTTHH:MM (Zeitzone Europe/Zurich, wenn ohne)"]),
            "reason": Schema.text(maxLength: 2000, minLength: 1),
        ], required: ["at", "reason"])
        let resumeBody = Schema.object(["note": Schema.text(maxLength: 2000)], required: [])
        let rate: Value = .context(["type": "number", "minimum": .number(0), "maximum": .number(100_000)])
        let billingYear: Value = .context(["type": "integer", "minimum": .number(2000), "maximum": .number(2999)])
        let settingsBody = Schema.object([
            "ravReleaseLegalBasisForIV": .context(["type": "boolean"]),
            "flatRates": Schema.object(Dictionary(uniqueKeysWithValues: InstitutionType.allCases.map { ($0.rawValue, rate) }),
                                       required: InstitutionType.allCases.map(\.rawValue).sorted()),
        ], required: ["ravReleaseLegalBasisForIV", "flatRates"])
        let migrationTicket = Schema.object(["id": Schema.integer(max: 999_999_999_999), "version": Schema.integer(max: 999_999_999_999)],
                                            required: ["id", "version"])
        let migrationBody = Schema.object([
            "from": Schema.integer(max: 999_999), "to": Schema.integer(max: 999_999),
            "dryRun": .context(["type": "boolean", "description": "true: nur prüfen, nichts ändern"]),
            "instances": .context(["type": "array", "maxItems": .number(Decimal(API.maxMigrationInstances)), "items": migrationTicket,
                                   "description": "Für die Migration: die Instanzen des Probelaufs mit ihrem Stand (version)"]),
        ], required: ["from", "to", "dryRun"])
        return [
            Route(method: .get, path: "/health", summary: "Prozess läuft", tag: "Betrieb", authenticated: false,
                  responses: [200: "ok"], handler: health),
            Route(method: .get, path: "/ready", summary: "Datenbank erreichbar, Migrationen erledigt", tag: "Betrieb", authenticated: false,
                  responses: [200: "bereit", 503: "nicht bereit"], handler: ready),
            Route(method: .get, path: "/metrics", summary: "Metriken im Prometheus-Textformat", tag: "Betrieb", authenticated: false,
                  responses: [200: "Metriken"], produces: ["text/plain"], handler: metrics),
            Route(method: .get, path: "/api/openapi.json", summary: "Diese Beschreibung (OpenAPI 3.1)", tag: "Betrieb", authenticated: false,
                  responses: [200: "OpenAPI-Dokument"], handler: openAPI),

            Route(method: .post, path: "/api/session", summary: "Anmelden: Token und Sitzungs-Cookie", tag: "Sitzung", authenticated: false,
                  body: session, responses: r([200: "angemeldet", 415: "kein JSON", 413: "zu gross", 422: "Angaben fehlerhaft",
                                               429: "zu viele Fehlversuche"]), handler: login),
            Route(method: .delete, path: "/api/session", summary: "Abmelden", tag: "Sitzung", responses: r([204: "abgemeldet", 403: "CSRF"]),
                  handler: logout),
            Route(method: .get, path: "/api/me", summary: "Angemeldete Person und CSRF-Token", tag: "Sitzung", responses: r([200: "Person"]),
                  handler: me),

            Route(method: .get, path: "/api/tasks", summary: "Offene Aufgaben, die die Person bearbeiten darf, nach Fälligkeit", tag: "Aufgaben",
                  query: [
                      Route.Parameter(name: "role", description: "Nur diese Rolle", schema: Schema.enumeration(Role.allCases.map(\.rawValue))),
                      Route.Parameter(name: "process", description: "Nur dieser Prozess (z. B. optima-alv)", schema: Schema.text(maxLength: 64)),
                      Route.Parameter(name: "due", description: "Fälligkeit", schema: Schema.enumeration(TaskFilter.Due.allCases.map(\.rawValue))),
                      Route.Parameter(name: "assignee", description: "me: meine; none: nicht übernommen",
                                      schema: Schema.enumeration(TaskFilter.Assignee.allCases.map(\.rawValue))),
                      limit, taskCursor, followUpView,
                  ], responses: r([200: "Aufgaben"]), handler: tasks),
            Route(method: .get, path: "/api/tasks/{id}", summary: "Aufgabe mit Formular, bekannten Werten und Fallübersicht", tag: "Aufgaben",
                  responses: r([200: "Aufgabe", 404: "nicht gefunden oder nicht sichtbar"]), handler: task),
            Route(method: .post, path: "/api/tasks/{id}/claim", summary: "Aufgabe übernehmen", tag: "Aufgaben",
                  responses: r([200: "übernommen", 403: "CSRF", 404: "nicht gefunden", 409: "von jemand anderem übernommen oder erledigt"]),
                  handler: claim),
            Route(method: .post, path: "/api/tasks/{id}/unclaim", summary: "Aufgabe freigeben", tag: "Aufgaben",
                  responses: r([200: "freigegeben", 403: "CSRF", 404: "nicht gefunden", 409: "nicht von Ihnen übernommen"]), handler: unclaim),
            Route(method: .post, path: "/api/tasks/{id}/complete", summary: "Aufgabe erledigen; Antwort: was als Nächstes geschieht",
                  tag: "Aufgaben", body: completion,
                  responses: r([200: "erledigt", 403: "CSRF", 404: "nicht gefunden", 409: "inzwischen erledigt oder übernommen",
                                413: "zu gross", 415: "kein JSON", 422: "Formularfehler (alle auf einmal)"]), handler: complete),

            Route(method: .post, path: "/api/cases/precheck", summary: "Vorprüfung (Ampel, Zielgruppe), ohne zu speichern", tag: "Fälle",
                  body: application, responses: r([200: "Vorprüfung", 403: "keine Fallführung", 404: "Stelle unbekannt", 415: "kein JSON",
                                                   422: "Angaben fehlerhaft"]), handler: precheck),
            Route(method: .post, path: "/api/cases", summary: "OPTIMA-Antrag einreichen", tag: "Fälle", body: application,
                  responses: r([201: "Fall angelegt", 403: "keine Fallführung", 404: "Stelle unbekannt", 413: "zu gross", 415: "kein JSON",
                                422: "Formularfehler (alle auf einmal) oder Übergaberegel"]), handler: createCase),
            Route(method: .get, path: "/api/cases", summary: "Sichtbare Fälle, neueste zuerst", tag: "Fälle",
                  query: [
                      Route.Parameter(name: "state", description: "Zustand", schema: Schema.enumeration(CaseState.allCases.map(\.rawValue))),
                      Route.Parameter(name: "q", description: "Suche in Name, Fallnummer, AHV-Nummer", schema: Schema.text(maxLength: 100)),
                      limit, caseCursor, followUpView,
                  ], responses: r([200: "Fälle"]), handler: cases),
            Route(method: .get, path: "/api/cases/{id}", summary: "Fall: Beteiligte, Kontaktpersonen, Fristen, Aufgaben, Dokumente, KGS",
                  tag: "Fälle", responses: r([200: "Fall", 404: "nicht gefunden oder nicht sichtbar"]), handler: caseDetail),
            Route(method: .get, path: "/api/cases/{id}/history", summary: "Wer hat wann was getan", tag: "Fälle",
                  responses: r([200: "Verlauf", 404: "nicht gefunden oder nicht sichtbar"]), handler: caseHistory),
            Route(method: .post, path: "/api/cases/{id}/cost-approvals", summary: "Kostengutsprache beantragen (Werte des KGS-Formulars)",
                  tag: "Fälle", body: Schema.anyObject,
                  responses: r([201: "beantragt", 403: "nicht die Fallführung der OPTIMA-Stelle", 404: "nicht gefunden", 415: "kein JSON",
                                422: "Formularfehler oder Regel"]), handler: requestCostApproval),
            // Issue 14 (OPTIMA fidelity): handlers in API+Fidelity.swift.
            Route(method: .post, path: "/api/cases/{id}/measures",
                  summary: "Massnahme ohne Kostengutsprache buchen (eigener Anspruch bei der OPTIMA-Stelle; zahlt die OPTIMA-Stelle)",
                  tag: "Fälle", body: ownMeasureBody,
                  responses: r([201: "gebucht", 403: "nicht die Fallführung der OPTIMA-Stelle", 404: "nicht gefunden", 413: "zu gross",
                                415: "kein JSON", 422: "Formularfehler (alle auf einmal) oder Regel (Kostengutsprache nötig)"]),
                  handler: bookOwnEntitlementMeasure),
            Route(method: .post, path: "/api/cases/{id}/status-meeting/reschedule",
                  summary: "Zusätzliches oder verschobenes Standortgespräch (zuweisende Stelle aus wichtigen Gründen, oder OPTIMA-Stelle)",
                  tag: "Fälle", body: rescheduleBody,
                  responses: r([200: "neuer Termin, Einladung erneut", 403: "nicht die Fallführung einer der beiden Stellen",
                                404: "nicht gefunden", 415: "kein JSON", 422: "Angaben fehlerhaft oder kein Gespräch zu verschieben"]),
                  handler: rescheduleStatusMeeting),
            Route(method: .post, path: "/api/cases/{id}/rav-advising/resume",
                  summary: "OPTIMA-SH: RAV nimmt bei wieder intaktem Arbeitsangebot die Beratung parallel wieder auf", tag: "Fälle",
                  body: resumeBody,
                  responses: r([200: "Beratung wieder aufgenommen", 403: "nicht die Personalberatung des zuweisenden RAV",
                                404: "nicht gefunden", 415: "kein JSON", 422: "Angaben fehlerhaft oder Regel"]),
                  handler: resumeRAVAdvising),
            Route(method: .get, path: "/api/settings", summary: "Einstellungen der Installation (Koordinationsstelle)", tag: "Koordination",
                  responses: r([200: "Einstellungen", 403: "nur Koordinationsstelle"]), handler: settings),
            Route(method: .put, path: "/api/settings", summary: "Einstellungen der Installation ändern (Koordinationsstelle, protokolliert)",
                  tag: "Koordination", body: settingsBody,
                  responses: r([200: "gespeichert", 403: "nur Koordinationsstelle; CSRF", 415: "kein JSON", 422: "Angaben fehlerhaft"]),
                  handler: saveSettings),
            Route(method: .get, path: "/api/billing/flat-rates",
                  summary: "Fallpauschalen eines Monats je abrechnender und zahlender Stelle (Modell A)", tag: "Abrechnung",
                  query: [
                      Route.Parameter(name: "year", description: "Jahr (vierstellig)", schema: billingYear, required: true),
                      Route.Parameter(name: "month", description: "Monat (1–12)", schema: Schema.integer(max: 12), required: true),
                      Route.Parameter(name: "format", description: "json (Vorgabe) oder csv", schema: Schema.enumeration(["json", "csv"])),
                  ],
                  responses: r([200: "Abrechnungen", 403: "nur Zeichnungsberechtigte und Koordinationsstelle"]),
                  produces: ["application/json", "text/csv"], handler: flatRateStatements),
            Route(method: .get, path: "/api/billing/flat-rates/document",
                  summary: "Rechnung der Fallpauschalen einer Stelle an eine zahlende Stelle für einen Monat (DOCX, nennt die Personen)",
                  tag: "Abrechnung",
                  query: [
                      Route.Parameter(name: "year", description: "Jahr (vierstellig)", schema: billingYear, required: true),
                      Route.Parameter(name: "month", description: "Monat (1–12)", schema: Schema.integer(max: 12), required: true),
                      Route.Parameter(name: "receiverOffice", description: "abrechnende (aufnehmende) Stelle", schema: Schema.text(maxLength: 64),
                                      required: true),
                      Route.Parameter(name: "payingOffice", description: "zahlende (zuweisende) Stelle", schema: Schema.text(maxLength: 64),
                                      required: true),
                  ],
                  responses: r([200: "DOCX", 403: "nur Zeichnungsberechtigte der beiden Stellen", 404: "nichts abzurechnen oder Stelle unbekannt"]),
                  produces: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"], handler: flatRateStatementDocument),
            Route(method: .get, path: "/api/cases/{id}/documents", summary: "Dokumente des Falls", tag: "Dokumente",
                  responses: r([200: "Dokumente", 404: "nicht gefunden oder nicht sichtbar"]), handler: caseDocuments),
            Route(method: .get, path: "/api/documents/{id}", summary: "Ein Dokument (DOCX)", tag: "Dokumente",
                  responses: r([200: "DOCX", 404: "nicht gefunden oder nicht sichtbar"]),
                  produces: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"], handler: document),

            // Issue 10, the advisors' desk (API+Desk.swift).
            Route(method: .get, path: "/api/notifications", summary: "Mitteilungen an die Person und ihre Rollen: ungelesene zuerst",
                  tag: "Arbeitsplatz", query: [
                      Route.Parameter(name: "unread", description: "true: nur ungelesene", schema: Schema.enumeration(["true", "false"])),
                      Route.Parameter(name: "limit", description: "höchstens (1–500, Vorgabe 100)", schema: Schema.integer(max: 500)),
                  ], responses: r([200: "Mitteilungen"]), handler: notifications),
            Route(method: .post, path: "/api/notifications/read-all", summary: "Alle eigenen Mitteilungen als gelesen markieren",
                  tag: "Arbeitsplatz", responses: r([200: "markiert", 403: "CSRF"]), handler: readAllNotifications),
            Route(method: .post, path: "/api/notifications/{id}/read", summary: "Eine Mitteilung als gelesen markieren (für die Person)",
                  tag: "Arbeitsplatz", responses: r([204: "markiert", 403: "CSRF", 404: "nicht gefunden oder nicht an Sie"]),
                  handler: readNotification),
            Route(method: .get, path: "/api/follow-ups", summary: "Eigene Wiedervorlagen (Aufgaben und Fälle), nächste zuerst",
                  tag: "Arbeitsplatz", responses: r([200: "Wiedervorlagen"]), handler: followUps),
            Route(method: .put, path: "/api/tasks/{id}/follow-up", summary: "Wiedervorlage einer Aufgabe setzen: bis dahin nicht in der Liste",
                  tag: "Arbeitsplatz", body: followUpSchema,
                  responses: r([200: "gesetzt", 403: "CSRF", 404: "nicht gefunden", 409: "Aufgabe erledigt", 415: "kein JSON",
                                422: "Datum fehlt oder ungültig"]), handler: setTaskFollowUp),
            Route(method: .delete, path: "/api/tasks/{id}/follow-up", summary: "Wiedervorlage einer Aufgabe löschen", tag: "Arbeitsplatz",
                  responses: r([204: "gelöscht", 403: "CSRF", 404: "nicht gefunden"]), handler: clearTaskFollowUp),
            Route(method: .put, path: "/api/cases/{id}/follow-up", summary: "Wiedervorlage eines Falls setzen: bis dahin nicht in der Fallliste",
                  tag: "Arbeitsplatz", body: followUpSchema,
                  responses: r([200: "gesetzt", 403: "CSRF", 404: "nicht gefunden", 415: "kein JSON", 422: "Datum fehlt oder ungültig"]),
                  handler: setCaseFollowUp),
            Route(method: .delete, path: "/api/cases/{id}/follow-up", summary: "Wiedervorlage eines Falls löschen", tag: "Arbeitsplatz",
                  responses: r([204: "gelöscht", 403: "CSRF", 404: "nicht gefunden"]), handler: clearCaseFollowUp),
            Route(method: .get, path: "/api/cases/{id}/notes", summary: "Notizen zum Fall (beide Stellen), älteste zuerst", tag: "Arbeitsplatz",
                  responses: r([200: "Notizen", 404: "nicht gefunden oder nicht sichtbar"]), handler: caseNotes),
            Route(method: .post, path: "/api/cases/{id}/notes", summary: "Notiz zum Fall erfassen (nicht änderbar)", tag: "Arbeitsplatz",
                  body: Schema.object(["text": Schema.text(maxLength: OptimaService.noteMaxLength + 100, minLength: 1)], required: ["text"]),
                  responses: r([201: "erfasst", 403: "CSRF", 404: "nicht gefunden", 415: "kein JSON", 422: "Text fehlt oder zu lang"]),
                  handler: addCaseNote),
            Route(method: .get, path: "/api/filters", summary: "Gespeicherte Filter der Aufgabenliste", tag: "Arbeitsplatz",
                  responses: r([200: "Filter"]), handler: savedFilters),
            Route(method: .post, path: "/api/filters", summary: "Filter speichern (gleicher Name: ersetzt)", tag: "Arbeitsplatz",
                  body: Schema.object([
                      "name": Schema.text(maxLength: 60, minLength: 1),
                      "role": Schema.nullable(Schema.enumeration(Role.allCases.map(\.rawValue))), "process": Schema.nullable(Schema.text(maxLength: 64)),
                      "due": Schema.nullable(Schema.enumeration(TaskFilter.Due.allCases.map(\.rawValue))),
                      "assignee": Schema.nullable(Schema.enumeration(TaskFilter.Assignee.allCases.map(\.rawValue))),
                  ], required: ["name"]),
                  responses: r([201: "gespeichert", 403: "CSRF", 415: "kein JSON", 422: "Angaben fehlerhaft"]), handler: saveFilter),
            Route(method: .delete, path: "/api/filters/{id}", summary: "Gespeicherten Filter löschen", tag: "Arbeitsplatz",
                  responses: r([204: "gelöscht", 403: "CSRF", 404: "nicht gefunden"]), handler: deleteFilter),
            Route(method: .get, path: "/api/outbox", summary: "Postausgang: Briefe der eigenen Stelle, offene zuerst", tag: "Arbeitsplatz",
                  query: [
                      Route.Parameter(name: "state", description: "open: nicht versandt; sent: versandt; all (Vorgabe)",
                                      schema: Schema.enumeration(OutboxState.allCases.map(\.rawValue))),
                      Route.Parameter(name: "limit", description: "höchstens (1–500, Vorgabe 200)", schema: Schema.integer(max: 500)),
                  ], responses: r([200: "Briefe"]), handler: outbox),
            Route(method: .post, path: "/api/documents/{id}/sent", summary: "Brief als versandt erfassen (Verlauf des Falls)", tag: "Arbeitsplatz",
                  body: Schema.object([
                      "channel": Schema.enumeration(DispatchChannel.allCases.map(\.rawValue)), "sentOn": Schema.date,
                      "sentBy": Schema.text(maxLength: 64),
                  ], required: ["channel"]),
                  responses: r([200: "erfasst", 403: "Brief einer anderen Stelle oder CSRF", 404: "nicht gefunden",
                                409: "bereits versandt", 415: "kein JSON", 422: "Angaben fehlerhaft oder kein Brief"]),
                  handler: markLetterSent),
            Route(method: .get, path: "/api/documents/{id}/pdf", summary: "Dokument als PDF (LibreOffice; beim ersten Abruf 202 und später nochmals)",
                  tag: "Dokumente",
                  responses: r([200: "PDF", 202: "in Arbeit (Retry-After)", 404: "nicht gefunden oder nicht sichtbar",
                                503: "LibreOffice fehlt, Umwandlung fehlgeschlagen oder Warteschlange voll"]),
                  produces: ["application/pdf"], handler: documentPDF),

            Route(method: .get, path: "/api/offices", summary: "Stellen", tag: "Verzeichnis", responses: r([200: "Stellen"]), handler: offices),
            Route(method: .get, path: "/api/forms", summary: "Formulare (forms/*.json) mit Titel und Anzahl Felder", tag: "Verzeichnis",
                  responses: r([200: "Formulare"]), handler: forms),
            Route(method: .get, path: "/api/forms/{key}", summary: "Formulardefinition (forms/<key>.json)", tag: "Verzeichnis",
                  responses: r([200: "Formular", 404: "unbekannt"]), handler: form),
            Route(method: .get, path: "/api/definitions", summary: "Prozesse und ihre Versionen", tag: "Verzeichnis",
                  responses: r([200: "Definitionen"]), handler: definitions),

            Route(method: .get, path: "/api/reports/standard", summary: "Standardreporting OPTIMA (Koordinationsstelle)", tag: "Koordination",
                  query: [
                      Route.Parameter(name: "from", description: "Beginn", schema: Schema.date, required: true),
                      Route.Parameter(name: "to", description: "Ende", schema: Schema.date, required: true),
                      Route.Parameter(name: "format", description: "json (Vorgabe) oder csv", schema: Schema.enumeration(["json", "csv"])),
                  ], responses: r([200: "Bericht", 403: "nur Koordinationsstelle"]), produces: ["application/json", "text/csv"], handler: report),
            Route(method: .get, path: "/api/audit", summary: "Zugriffsprotokoll (Koordinationsstelle)", tag: "Koordination",
                  query: [
                      Route.Parameter(name: "caseId", description: "Fall", schema: Schema.text(maxLength: 32)),
                      Route.Parameter(name: "user", description: "Benutzer", schema: Schema.text(maxLength: 64)),
                      Route.Parameter(name: "from", description: "ab Datum", schema: Schema.date),
                      Route.Parameter(name: "to", description: "bis Datum (einschliesslich)", schema: Schema.date),
                      Route.Parameter(name: "limit", description: "höchstens (1–5000, Vorgabe 500)", schema: Schema.integer(max: 5000)),
                  ], responses: r([200: "Einträge", 403: "nur Koordinationsstelle"]), handler: audit),
            Route(method: .post, path: "/api/definitions", summary: "BPMN-Definition prüfen und bereitstellen (Body: BPMN-XML)", tag: "Koordination",
                  query: [Route.Parameter(name: "fileName", description: "Dateiname für Verlauf und Fehlermeldungen", schema: Schema.text(maxLength: 100))],
                  body: Schema.text(maxLength: 1_048_576), bodyType: "application/xml",
                  responses: r([201: "neue Version bereitgestellt", 200: "gleicher Inhalt: keine neue Version", 403: "nur Koordinationsstelle",
                                413: "zu gross", 415: "kein XML", 422: "Fehler mit Zeile, Spalte, Element und Behebung"]), handler: uploadDefinition),
            Route(method: .post, path: "/api/definitions/{processId}/migrations",
                  summary: "Laufende Instanzen einer Version auf eine andere migrieren: Probelauf (dryRun, ändert nichts) mit jeder "
                  + "Instanz, wo sie wartet und ob sie wechseln kann; Migration der genannten Instanzen mit dem Stand aus dem Probelauf, "
                  + "je Instanz eine Transaktion (seither geänderte werden abgelehnt)", tag: "Koordination", body: migrationBody,
                  responses: r([200: "Probelauf, oder Ergebnis je Instanz (migriert oder abgelehnt mit Grund)", 403: "nur Koordinationsstelle",
                                404: "Prozess unbekannt", 413: "zu gross", 415: "kein JSON",
                                422: "Versionen unbekannt oder gleich, Fälle fehlerhaft oder aus einem anderen Prozess"]),
                  handler: migrateDefinition),
            Route(method: .get, path: "/api/definitions/{processId}/versions/{version}/diagram.svg", summary: "Diagramm einer Version als SVG "
                  + "(Koordinationsstelle: mit wartenden Instanzen, offenen und überfälligen Aufgaben je Schritt)", tag: "Verzeichnis",
                  responses: r([200: "SVG", 404: "Version unbekannt oder ohne Diagramm"]), produces: ["image/svg+xml"], handler: definitionDiagram),
            Route(method: .get, path: "/api/definitions/{processId}/versions/{version}/source", summary: "BPMN-Datei einer Version",
                  tag: "Verzeichnis", responses: r([200: "BPMN-XML", 404: "Version unbekannt"]), produces: ["application/xml"], handler: definitionSource),

            // Issue 11, templates and the pseudonymised export (API+Templates.swift).
            Route(method: .get, path: "/api/templates", summary: "Word-Vorlagen mit ihren Versionen (Koordinationsstelle)", tag: "Koordination",
                  responses: r([200: "Vorlagen", 403: "nur Koordinationsstelle"]), handler: templates),
            Route(method: .get, path: "/api/templates/{name}", summary: "Eine Word-Vorlage: Versionen, Hinweise, Felder der aktuellen Version",
                  tag: "Koordination", responses: r([200: "Vorlage", 403: "nur Koordinationsstelle", 404: "Vorlage unbekannt"]), handler: template),
            Route(method: .post, path: "/api/templates/{name}",
                  summary: "Neue Version einer Word-Vorlage prüfen und übernehmen (Body: die .docx-Datei); gilt für neue Dokumente",
                  tag: "Koordination",
                  query: [Route.Parameter(name: "fileName", description: "Dateiname für die Versionsliste", schema: Schema.text(maxLength: 100))],
                  body: .context(["type": "string", "format": "binary"]), bodyType: Self.docxType,
                  responses: r([201: "neue Version", 200: "gleicher Inhalt: keine neue Version", 403: "nur Koordinationsstelle",
                                404: "Vorlage unbekannt (nur bestehende Vorlagen)", 413: "zu gross", 415: "keine Word-Datei",
                                422: "Fehler mit Ort und Behebung; nichts gespeichert"]), handler: uploadTemplate),
            Route(method: .get, path: "/api/templates/{name}/versions/{version}", summary: "Eine Version der Vorlage (DOCX; Version 1: ausgelieferte Datei)",
                  tag: "Koordination", responses: r([200: "DOCX", 403: "nur Koordinationsstelle", 404: "Vorlage oder Version unbekannt"]),
                  produces: [Self.docxType], handler: templateSource),
            Route(method: .get, path: "/api/templates/{name}/versions/{version}/preview",
                  summary: "Vorschau: die Version mit den Beispieldaten (templates/samples) gefüllt (DOCX)", tag: "Koordination",
                  responses: r([200: "DOCX", 403: "nur Koordinationsstelle", 404: "Vorlage, Version oder Beispieldaten unbekannt",
                                422: "Vorschau nicht möglich"]),
                  produces: [Self.docxType], handler: templatePreview),
            Route(method: .get, path: "/api/reports/export",
                  summary: "Pseudonymisierter Fallexport (ohne Namen und AHV-Nummern; Schlüssel aus der Serverkonfiguration; protokolliert)",
                  tag: "Koordination",
                  query: [
                      Route.Parameter(name: "format", description: "json (Vorgabe) oder csv", schema: Schema.enumeration(["json", "csv"])),
                      Route.Parameter(name: "to", description: "Stand an diesem Tag (Vorgabe: heute)", schema: Schema.date),
                  ],
                  responses: r([200: "Export", 403: "nur Koordinationsstelle", 503: "kein Schlüssel konfiguriert (--report-key-file)"]),
                  // As `nahtstelle report --pseudonymise --format json` writes it: one object per case.
                  produces: ["application/json", "text/csv"], jsonSchema: .context(["type": "array", "items": Schema.anyObject]),
                  handler: pseudonymisedExport),
        ]
    }

    func openAPI(_ request: Request, _ context: AppContext) async throws -> Response {
        JSONBody.response(OpenAPIDocument.make(routes))
    }
}

/// The OpenAPI 3.1 document, made from the route table.
enum OpenAPIDocument {
    static func make(_ routes: [Route]) -> Value {
        var paths: [String: [String: Value]] = [:]
        for route in routes {
            var parameters: [Value] = route.pathParameters.map { name in
                .context(["name": .string(name), "in": "path", "required": true, "schema": Schema.string])
            }
            parameters += route.query.map { p in
                .context(["name": .string(p.name), "in": "query", "required": .bool(p.required), "description": .string(p.description),
                          "schema": p.schema])
            }
            var responses: [String: Value] = [:]
            for (status, description) in route.responses {
                var response: [String: Value] = ["description": .string(description)]
                if status < 300 && status != 204 {
                    response["content"] = .context(Dictionary(uniqueKeysWithValues: route.produces.map { type in
                        (type, Value.context(["schema": type == "application/json" ? route.jsonSchema ?? Schema.anyObject : Schema.string]))
                    }))
                } else if status >= 400 {
                    response["content"] = .context(["application/json": .context(["schema": .context(["$ref": "#/components/schemas/Error"])])])
                }
                responses[String(status)] = .context(response)
            }
            var operation: [String: Value] = [
                "summary": .string(route.summary), "tags": .list([.string(route.tag)]),
                "operationId": .string(operationID(route)), "responses": .context(responses),
            ]
            if !parameters.isEmpty { operation["parameters"] = .list(parameters) }
            if let body = route.body {
                operation["requestBody"] = .context(["required": true, "content": .context([route.bodyType: .context(["schema": body])])])
            }
            operation["security"] = route.authenticated ? .list([.context(["bearer": .list([])]), .context(["cookie": .list([])])]) : .list([])
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = .context(operation)
        }
        let errorSchema = Schema.object([
            "error": Schema.object(["code": Schema.string, "message": Schema.string,
                                    "fields": .context(["type": "object", "additionalProperties": Schema.string])],
                                   required: ["code", "message"]),
            // A refused definition: every problem with line, column, element and fix; a refused
            // template: every problem with its place in the document and fix.
            "problems": .context(["type": "array", "items": .context(["anyOf": .list([
                Schema.object([
                    "severity": Schema.enumeration(["error", "warning"]), "line": Schema.integer, "column": Schema.integer,
                    "elementId": .context(["type": .list(["string", "null"])]), "message": Schema.string, "fix": Schema.string,
                ], required: ["severity", "line", "column", "message", "fix"]),
                Schema.object([
                    "severity": Schema.enumeration(["error", "warning"]), "code": Schema.string, "location": Schema.string,
                    "context": Schema.string, "message": Schema.string, "fix": Schema.string,
                ], required: ["severity", "code", "location", "message", "fix"]),
            ])])]),
        ], required: ["error"])
        return .context([
            "openapi": "3.1.0",
            "info": .context(["title": "Nahtstelle", "version": "1.0.0",
                              "description": "OPTIMA-Fallführung über Amtsgrenzen: Aufgaben, Fälle, Dokumente. Siehe docs/server.md."]),
            "paths": .context(paths.mapValues { .context($0) }),
            "components": .context([
                "schemas": .context(["Error": errorSchema]),
                "securitySchemes": .context([
                    "bearer": .context(["type": "http", "scheme": "bearer"]),
                    "cookie": .context(["type": "apiKey", "in": "cookie", "name": .string(AuthMiddleware.cookieName)]),
                ]),
            ]),
        ])
    }

    static func operationID(_ route: Route) -> String {
        let words = route.path.split(separator: "/").map { part -> String in
            let p = part.hasPrefix("{") ? "by-" + part.dropFirst().dropLast() : String(part)
            return p
        }
        return route.method.rawValue.lowercased() + "-" + words.joined(separator: "-")
    }
}
