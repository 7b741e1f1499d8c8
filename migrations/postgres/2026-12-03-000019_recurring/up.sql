-- Recurring obligations (báo cáo hằng quý …): an item's rule for each period's due day
-- ("day:N" of the period's last month, "workdays:N" after it ends) and the day after which no
-- period starts. A task made for one period carries its first day; one task per item, lead
-- unit and period, however many passes and instances make it.
ALTER TABLE directive_items ADD COLUMN due_rule TEXT;
ALTER TABLE directive_items ADD COLUMN recur_until DATE;
ALTER TABLE tasks ADD COLUMN period_start DATE;
CREATE UNIQUE INDEX tasks_period ON tasks(item_id, lead_unit_id, period_start) WHERE period_start IS NOT NULL;
-- The daily pass reads the recurring items only.
CREATE INDEX directive_items_recurring ON directive_items(id) WHERE due_rule IS NOT NULL;
