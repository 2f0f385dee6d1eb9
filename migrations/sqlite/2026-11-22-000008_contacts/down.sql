DROP TABLE contact_group_members;
DROP TABLE contacts;
DROP TABLE contact_groups;
