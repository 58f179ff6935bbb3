CREATE TABLE incident_attachment_files (attachment_id TEXT PRIMARY KEY REFERENCES incident_attachments(id), content BLOB NOT NULL);
