import NahtstelleSQL

extension CaseSchema {
    /// Issue 11 (templates in the browser): the uploaded versions of the Word templates and, per
    /// generated document, the template version it was made from.
    ///
    /// Version 1 of a template is the shipped file `templates/<name>.docx`; versions 2, 3, … are
    /// coordinators' uploads, kept here with their bytes, never changed or removed. A document
    /// made before this migration has no recorded version (NULL).
    static let templateMigrations: [SQLMigration] = [
        SQLMigration(name: "cases-5-template-versions", sql: """
                CREATE TABLE template_version (
                    id INTEGER PRIMARY KEY,
                    template TEXT NOT NULL CHECK (length(template) BETWEEN 1 AND 64 AND template NOT GLOB '*[^a-z0-9-]*'),
                    version INTEGER NOT NULL CHECK (version >= 2),
                    bytes BLOB NOT NULL,
                    size INTEGER NOT NULL CHECK (size = length(bytes) AND size >= 1),
                    file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 100),
                    uploaded_at REAL NOT NULL,
                    uploaded_by TEXT NOT NULL REFERENCES app_user(username),
                    -- The checker's warnings at upload (errors refuse the upload): [{code, location, message, fix}].
                    warnings_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings_json)),
                    UNIQUE (template, version)
                );
                CREATE TRIGGER template_version_no_update BEFORE UPDATE ON template_version
                    BEGIN SELECT RAISE(ABORT, 'Vorlagenversionen werden nie geändert; eine neue Version hochladen'); END;
                CREATE TRIGGER template_version_no_delete BEFORE DELETE ON template_version
                    BEGIN SELECT RAISE(ABORT, 'Vorlagenversionen werden nie gelöscht'); END;

                ALTER TABLE case_document ADD COLUMN template_version INTEGER CHECK (template_version IS NULL OR template_version >= 1);
                """),
    ]
}
