import Foundation
import Hummingbird
import Mustache
import NahtstelleFEEL
import NahtstelleOptima

/// The pages' templates (`web/templates/*.mustache`) and static files (`web/static/`), read once
/// at start. Mustache escapes every `{{value}}` for HTML (`& < > " '`); the templates use no
/// triple braces, so no value reaches the page unescaped.
public struct Views: Sendable {
    let library: MustacheLibrary
    /// Static files by name: bytes, content type and a strong ETag.
    let assets: [String: (bytes: [UInt8], type: String, etag: String)]
    /// The digest of each asset, appended to its URL so browsers may cache it for a year.
    let assetVersion: [String: String]

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `directory/templates` and `directory/static`.
    public init(directory: String) throws {
        let fm = FileManager.default
        var library = MustacheLibrary()
        let templates = (directory as NSString).appendingPathComponent("templates")
        guard let names = try? fm.contentsOfDirectory(atPath: templates), names.contains(where: { $0.hasSuffix(".mustache") }) else {
            throw LoadError(description: "Keine Seitenvorlagen in \(templates) gefunden (web/templates/*.mustache). Bitte --root prüfen.")
        }
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let path = (templates as NSString).appendingPathComponent(name)
            guard let data = fm.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw LoadError(description: "Seitenvorlage \(path) ist nicht lesbar (UTF-8 erwartet).")
            }
            do { try library.register(text, named: String(name.dropLast(".mustache".count))) } catch {
                throw LoadError(description: "Seitenvorlage \(path) ist fehlerhaft: \(error)")
            }
        }
        self.library = library
        var assets: [String: (bytes: [UInt8], type: String, etag: String)] = [:]
        var versions: [String: String] = [:]
        let statics = (directory as NSString).appendingPathComponent("static")
        for name in ((try? fm.contentsOfDirectory(atPath: statics)) ?? []).sorted() {
            guard let data = fm.contents(atPath: (statics as NSString).appendingPathComponent(name)) else { continue }
            let type: String
            switch (name as NSString).pathExtension {
            case "css": type = "text/css; charset=utf-8"
            case "js": type = "text/javascript; charset=utf-8"
            case "svg": type = "image/svg+xml"
            default: type = "application/octet-stream"
            }
            let digest = String(ServerCore.sha256Hex(String(decoding: data, as: UTF8.self)).prefix(16))
            assets[name] = ([UInt8](data), type, "\"\(digest)\"")
            versions[name] = digest
        }
        self.assets = assets
        self.assetVersion = versions
    }

    /// The page `template` inside the layout. `data` is the page's own values; the layout's
    /// (user, navigation, CSRF token, asset URLs) are added here.
    func render(_ template: String, _ data: [String: Any], layout: LayoutData?) -> String {
        var context = data
        context["css"] = "/static/app.css?v=" + (assetVersion["app.css"] ?? "0")
        context["js"] = "/static/app.js?v=" + (assetVersion["app.js"] ?? "0")
        if let layout {
            context["me"] = [
                "name": layout.caller.name, "office": layout.officeName, "csrf": layout.caller.csrfToken,
                "roles": layout.caller.roles.map { Glossary.label($0) }.joined(separator: ", "),
            ] as [String: Any]
            context["nav"] = layout.navigation
        }
        return library.render(Self.blankingEmpty(context), withTemplate: template) ?? "Seitenvorlage «\(template)» fehlt."
    }

    /// Empty texts become `Blank`: Mustache renders any non-nil value's section, so `{{#help}}`
    /// would show an empty help paragraph for `""`.
    static func blankingEmpty(_ value: Any) -> Any {
        switch value {
        case let s as String: return s.isEmpty ? Blank() : s
        case let d as [String: Any]: return d.mapValues(blankingEmpty)
        case let a as [[String: Any]]: return a.map { $0.mapValues(blankingEmpty) }
        case let a as [Any]: return a.map(blankingEmpty)
        default: return value
        }
    }

    func response(_ template: String, _ data: [String: Any], layout: LayoutData?, status: HTTPResponse.Status = .ok) -> Response {
        let html = render(template, data, layout: layout)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func asset(_ name: String, ifNoneMatch: String?) -> Response? {
        guard let asset = assets[name] else { return nil }
        if ifNoneMatch == asset.etag {
            return Response(status: .notModified, headers: [.eTag: asset.etag, .cacheControl: "public, max-age=31536000, immutable"])
        }
        return Response(status: .ok, headers: [.contentType: asset.type, .eTag: asset.etag, .cacheControl: "public, max-age=31536000, immutable"],
                        body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}

/// An empty text: renders as nothing, and a section over it is skipped.
struct Blank: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}

/// What the layout shows of the signed-in user: name, office, roles, and the navigation with counts.
struct LayoutData {
    var caller: Caller
    var officeName: String
    var navigation: [[String: Any]]
}

/// Formats for the pages: Swiss dates, amounts, due states.
enum PageFormat {
    static func date(_ d: LocalDate?) -> String { d?.swissFormatted ?? "" }
    static func date(_ t: Date?) -> String { t.map { ISODateTime.localDate(of: $0).swissFormatted } ?? "" }
    static func dateTime(_ t: Date?) -> String {
        guard let t else { return "" }
        return ISODateTime.localDate(of: t).swissFormatted + " " + time(t)
    }
    static func time(_ t: Date) -> String {
        let local = Int(t.timeIntervalSince1970) + ISODateTime.officeTimeZone.secondsFromGMT(for: t)
        let minutes = ((local % 86_400) + 86_400) % 86_400 / 60
        return String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    /// `overdue` (red), `soon` (amber: due within two working days) or `""`.
    static func dueClass(_ due: Date?, now: Date, today: LocalDate) -> String {
        dueClass(due, now: now, soonUntil: soonUntil(today))
    }

    /// The last day that counts as «bald fällig»: two Lucerne working days from `today`.
    static func soonUntil(_ today: LocalDate) -> LocalDate { LucerneCalendar.standard.addWorkingDays(today, 2) }

    /// With the «bald fällig» limit computed once for a whole list.
    static func dueClass(_ due: Date?, now: Date, soonUntil limit: LocalDate) -> String {
        guard let due else { return "" }
        if due < now { return "overdue" }
        return ISODateTime.localDate(of: due) <= limit ? "soon" : ""
    }

    static func dueLabel(_ cls: String) -> String {
        switch cls {
        case "overdue": return "überfällig"
        case "soon": return "bald fällig"
        default: return ""
        }
    }
}
