DROP TABLE directive_drafts;
