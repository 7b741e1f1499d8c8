DROP INDEX tasks_search_text_trgm;
