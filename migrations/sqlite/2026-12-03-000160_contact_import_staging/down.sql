DROP TABLE contact_import_groups;
DROP TABLE contact_import_rows;
