// swift-tools-version:6.1
import PackageDescription

/// Nahtstelle: layered targets. Read from the bottom up:
/// C shims → XML / FEEL → definition model and parser → engine (runtime) → stores (SQLite,
/// PostgreSQL) → forms / documents → domain → application → its tables (NahtstelleCaseStore, the
/// application's only SQL) → HTTP → CLI and bench executables.
///
/// Platforms: Linux only (Debian with a Swift 6 toolchain, tools version 6.1 or newer).
/// The code imports Glibc and the C libraries come from Debian's packages; no Apple platform is
/// built or tested, so none is claimed.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Nahtstelle",
    products: [
        .executable(name: "nahtstelle", targets: ["NahtstelleCLI"]),
        .executable(name: "nahtstelle-bench", targets: ["NahtstelleBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Keyed hash (HMAC-SHA256) for the pseudonymised controlling export of the OPTIMA domain.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The HTTP server: routes, middleware, in-process router tests; bcrypt for passwords.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // Metrics of the server in Prometheus' text format (GET /metrics).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // NIOThreadPool: the engine's blocking commands run off the event loops and Swift's cooperative pool.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The advisors' and coordinators' pages: logic-less templates, HTML-escaped by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The engine's store on PostgreSQL (several nodes on one database, issue 13).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries from Debian
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        // `sqlite3_config` (variadic) for the store's process-wide settings, as static inline wrappers.
        .systemLibrary(name: "CSQLiteSettings", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // MARK: Foundations
        .target(name: "NahtstelleXML", dependencies: ["CLibXML2"], swiftSettings: strict),
        .target(name: "NahtstelleFEEL", swiftSettings: strict),

        // MARK: Definitions (immutable model + hardened parser + validation)
        .target(name: "NahtstelleDefinition", dependencies: ["NahtstelleXML", "NahtstelleFEEL"], swiftSettings: strict),

        // MARK: Runtime (knows nothing of SQLite: storage is the EngineStore protocol)
        .target(name: "NahtstelleEngine", dependencies: [
            "NahtstelleDefinition", "NahtstelleFEEL", .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),

        // MARK: Store (SQLite through GRDB; with NahtstellePostgres and NahtstelleCaseStore the only places that know SQL)
        .target(name: "NahtstelleSQL", swiftSettings: strict),
        .target(name: "NahtstelleSQLiteSettings", dependencies: ["CSQLiteSettings"], swiftSettings: strict),
        .target(name: "NahtstelleStore", dependencies: [
            "NahtstelleEngine", "NahtstelleSQL", "NahtstelleSQLiteSettings", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ], swiftSettings: strict),

        // MARK: Store on PostgreSQL (postgres-nio)
        .target(name: "NahtstellePostgres", dependencies: [
            "NahtstelleEngine", "NahtstelleSQL", .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // MARK: Test support: the stores the engine's and the store's suites run against
        .target(name: "NahtstelleStoreTesting", dependencies: ["NahtstelleEngine", "NahtstelleStore", "NahtstellePostgres"], swiftSettings: strict),

        // MARK: Forms and documents
        .target(name: "NahtstelleForms", dependencies: ["NahtstelleFEEL"], swiftSettings: strict),
        .target(name: "NahtstelleDocuments", dependencies: ["CLibZip", "NahtstelleFEEL"], swiftSettings: strict),

        // MARK: OPTIMA domain (offices, people, cases, eligibility, target groups, deadlines, reporting)
        .target(name: "NahtstelleOptima", dependencies: [
            "NahtstelleFEEL", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),

        // MARK: OPTIMA application (cases, the six definitions on the engine, documents, reports)
        // Knows no SQL: its tables are the `ApplicationRecords` protocol, implemented by NahtstelleCaseStore.
        .target(name: "NahtstelleCases", dependencies: [
            "NahtstelleDefinition", "NahtstelleEngine", "NahtstelleOptima", "NahtstelleForms", "NahtstelleDocuments", "NahtstelleFEEL",
            "NahtstelleXML", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // MARK: The application's tables (schema, migrations and every query of NahtstelleCases, on SQLite and PostgreSQL)
        .target(name: "NahtstelleCaseStore", dependencies: [
            "NahtstelleCases", "NahtstelleEngine", "NahtstelleSQL", "NahtstelleStore", "NahtstellePostgres", "NahtstelleOptima", "NahtstelleFEEL",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // MARK: HTTP server (routes, identity, access policy, audit, metrics); calls only the application
        .target(name: "NahtstelleHTTP", dependencies: [
            "NahtstelleCases", "NahtstelleOptima", "NahtstelleEngine", "NahtstelleFEEL", "NahtstelleForms",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),

        // MARK: Executables
        .executableTarget(name: "NahtstelleCLI", dependencies: [
            "NahtstelleDefinition", "NahtstelleEngine", "NahtstelleStore", "NahtstelleForms", "NahtstelleDocuments", "NahtstelleFEEL",
            "NahtstelleOptima", "NahtstelleCases", "NahtstelleCaseStore", "NahtstelleHTTP", "NahtstellePostgres", "NahtstelleSQL", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .executableTarget(name: "NahtstelleBench", dependencies: [
            "NahtstelleEngine", "NahtstelleStore", "NahtstellePostgres", "NahtstelleDocuments", "CLibZip",
            "NahtstelleCases", "NahtstelleCaseStore", "NahtstelleHTTP", "NahtstelleOptima", "NahtstelleFEEL",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),

        // MARK: Tests (one test target per target)
        .testTarget(name: "NahtstelleXMLTests", dependencies: ["NahtstelleXML"], swiftSettings: strict),
        .testTarget(name: "NahtstelleFEELTests", dependencies: ["NahtstelleFEEL"], swiftSettings: strict),
        .testTarget(name: "NahtstelleDefinitionTests", dependencies: ["NahtstelleDefinition", "NahtstelleXML"], swiftSettings: strict),
        .testTarget(name: "NahtstelleEngineTests", dependencies: ["NahtstelleEngine", "NahtstelleStore", "NahtstelleStoreTesting", "NahtstelleFEEL"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "NahtstelleStoreTests", dependencies: [
            "NahtstelleStore", "NahtstellePostgres", "NahtstelleStoreTesting", "NahtstelleEngine", "NahtstelleSQL", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ], swiftSettings: strict),
        .testTarget(name: "NahtstelleFormsTests", dependencies: ["NahtstelleForms", "NahtstelleFEEL"], swiftSettings: strict),
        .testTarget(name: "NahtstelleOptimaTests", dependencies: ["NahtstelleOptima", "NahtstelleFEEL"], swiftSettings: strict),
        .testTarget(name: "NahtstelleDocumentsTests", dependencies: ["NahtstelleDocuments", "NahtstelleFEEL"], swiftSettings: strict),
        .testTarget(name: "NahtstelleCasesTests", dependencies: [
            "NahtstelleCases", "NahtstelleCaseStore", "NahtstelleEngine", "NahtstelleOptima", "NahtstelleFEEL", "CLibZip", "NahtstelleSQL",
            "NahtstelleStoreTesting",
        ], swiftSettings: strict),
        .testTarget(name: "NahtstelleHTTPTests", dependencies: [
            "NahtstelleHTTP", "NahtstelleCases", "NahtstelleCaseStore", "NahtstelleFEEL", "CLibZip",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            "NahtstelleSQL", "NahtstelleStoreTesting",
        ], swiftSettings: strict),
    ]
)
