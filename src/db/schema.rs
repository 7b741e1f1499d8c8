//! One schema for both backends; see migrations/{sqlite,postgres}.

diesel::table! {
    units (id) {
        id -> BigInt,
        name -> Text,
        short_name -> Text,
        kind -> Text,
        emails -> Text,
        active -> Bool,
        merged_into_id -> Nullable<BigInt>,
        search_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        mail_digest -> Bool,
        head_name -> Text,
        focal_name -> Text,
        focal_phone -> Text,
        leader_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    unit_aliases (id) {
        id -> BigInt,
        unit_id -> BigInt,
        alias -> Text,
        folded -> Text,
    }
}

diesel::table! {
    unit_groups (id) {
        id -> BigInt,
        name -> Text,
        folded -> Text,
    }
}

diesel::table! {
    unit_group_members (group_id, unit_id) {
        group_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        unit_id -> Nullable<BigInt>,
        password_hash -> Text,
        active -> Bool,
        lang -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        mail_mode -> Text,
        mail_off -> Text,
        notifications_seen_at -> Nullable<Timestamp>,
        totp_secret -> Nullable<Text>,
        totp_pending -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sso_logins (id) {
        id -> BigInt,
        state_hash -> Text,
        verifier -> Text,
        nonce -> Text,
        next -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_challenges (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        next -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        name -> Text,
        can_write -> Bool,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        unit_id -> Nullable<BigInt>,
        token_hash -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        url -> Text,
        secret -> Text,
        events -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        dedupe_key -> Text,
        event -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Text,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        user_id -> BigInt,
        key -> Text,
        request -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    conferences (id) {
        id -> BigInt,
        name -> Text,
        held_on -> Nullable<Date>,
        place -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    directives (id) {
        id -> BigInt,
        conference_id -> Nullable<BigInt>,
        number -> Text,
        issued_on -> Date,
        signer -> Text,
        title -> Text,
        body -> Text,
        form_token -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        register_no -> Text,
    }
}

diesel::table! {
    directive_files (id) {
        id -> BigInt,
        directive_id -> BigInt,
        original_name -> Text,
        size -> BigInt,
        sha256 -> Text,
        data -> Binary,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    directive_items (id) {
        id -> BigInt,
        directive_id -> BigInt,
        position -> Integer,
        label -> Text,
        text -> Text,
        due_on -> Nullable<Date>,
        recurrence -> Nullable<Text>,
        due_rule -> Nullable<Text>,
        recur_until -> Nullable<Date>,
    }
}

diesel::table! {
    tasks (id) {
        id -> BigInt,
        item_id -> BigInt,
        directive_id -> BigInt,
        lead_unit_id -> BigInt,
        status -> Text,
        due_on -> Nullable<Date>,
        completed_on -> Nullable<Date>,
        progress -> Integer,
        version -> Integer,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        period_start -> Nullable<Date>,
        progress_from_steps -> Bool,
        /// Generated by the database: the due date, or 9999-12-31 for none.
        due_key -> Date,
        /// Generated by the database: assigned, in progress or reported.
        is_open -> Bool,
    }
}

diesel::table! {
    task_coordinators (task_id, unit_id) {
        task_id -> BigInt,
        unit_id -> BigInt,
        asked_due -> Nullable<Date>,
        asked_at -> Nullable<Timestamp>,
        asked_by -> Nullable<BigInt>,
        done_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    task_transfers (id) {
        id -> BigInt,
        task_id -> BigInt,
        kind -> Text,
        from_unit_id -> BigInt,
        to_unit_id -> Nullable<BigInt>,
        reason -> Text,
        user_id -> Nullable<BigInt>,
        at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    task_steps (id) {
        id -> BigInt,
        task_id -> BigInt,
        text -> Text,
        assignee_id -> Nullable<BigInt>,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    completion_drafts (task_id) {
        task_id -> BigInt,
        text -> Text,
        drafted_by -> Nullable<BigInt>,
        drafted_at -> Timestamp,
    }
}

diesel::table! {
    task_units (unit_id, task_id) {
        unit_id -> BigInt,
        task_id -> BigInt,
        is_lead -> Bool,
        open -> Bool,
        due_sort -> Date,
        /// The task's last change, copied by triggers.
        updated_at -> Timestamp,
        /// Whether the task is with its unit (assigned or in progress), kept by triggers.
        working -> Bool,
    }
}

diesel::table! {
    /// How many tasks each unit sees (`task_units`), open or not; kept by triggers.
    unit_task_counts (unit_id, open) {
        unit_id -> BigInt,
        open -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    /// Each unit's open tasks by whether they are with the unit and due day; kept by triggers.
    unit_open_days (unit_id, working, due_sort) {
        unit_id -> BigInt,
        working -> Bool,
        due_sort -> Date,
        n -> BigInt,
    }
}

diesel::table! {
    /// Every task but the cancelled by due day (`tasks.due_key`) and status; kept by the tally
    /// triggers.
    task_day_tallies (status, due_key) {
        due_key -> Date,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// The same by the due key's month (its first day).
    task_month_tallies (status, due_month) {
        due_month -> Date,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// A version per list-page picker, moved by triggers on every write to what it shows.
    picker_versions (name) {
        name -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    journal (id) {
        id -> BigInt,
        task_id -> BigInt,
        user_id -> Nullable<BigInt>,
        at -> Timestamp,
        kind -> Text,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        note -> Text,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        task_id -> BigInt,
        user_id -> Nullable<BigInt>,
        unit_id -> Nullable<BigInt>,
        kind -> Text,
        at -> Timestamp,
        text -> Text,
        percent -> Nullable<Integer>,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        task_id -> BigInt,
        report_id -> Nullable<BigInt>,
        original_name -> Text,
        stored_name -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        in_db -> Bool,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attachment_blobs (attachment_id) {
        attachment_id -> BigInt,
        data -> Binary,
    }
}

diesel::table! {
    holiday_years (year) {
        year -> Integer,
        source -> Text,
    }
}

diesel::table! {
    holiday_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    extension_requests (id) {
        id -> BigInt,
        task_id -> BigInt,
        unit_id -> Nullable<BigInt>,
        requested_by -> Nullable<BigInt>,
        report_id -> Nullable<BigInt>,
        previous_due -> Nullable<Date>,
        requested_due -> Date,
        reason -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decided_due -> Nullable<Date>,
        decision_note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    directive_drafts (id) {
        id -> BigInt,
        created_by -> BigInt,
        form_token -> Text,
        title -> Text,
        fields -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        dedupe_key -> Text,
        kind -> Text,
        task_id -> Nullable<BigInt>,
        directive_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        recipient -> Text,
        lang -> Text,
        payload -> Text,
        message_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Text,
        subject -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_passes (day) {
        day -> Date,
        queued -> Integer,
        finished_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(extension_requests -> tasks (task_id));
diesel::joinable!(extension_requests -> units (unit_id));
diesel::joinable!(unit_aliases -> units (unit_id));
diesel::joinable!(unit_group_members -> units (unit_id));
diesel::joinable!(unit_group_members -> unit_groups (group_id));
diesel::joinable!(users -> units (unit_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(directives -> conferences (conference_id));
diesel::joinable!(directive_items -> directives (directive_id));
diesel::joinable!(tasks -> directive_items (item_id));
diesel::joinable!(tasks -> directives (directive_id));
diesel::joinable!(tasks -> units (lead_unit_id));
diesel::joinable!(task_coordinators -> tasks (task_id));
diesel::joinable!(task_coordinators -> units (unit_id));
diesel::joinable!(task_units -> tasks (task_id));
diesel::table! {
    chases (id) {
        id -> BigInt,
        task_id -> BigInt,
        user_id -> Nullable<BigInt>,
        at -> Timestamp,
        on_day -> Date,
        note -> Text,
    }
}

diesel::joinable!(chases -> tasks (task_id));
diesel::joinable!(chases -> users (user_id));
diesel::joinable!(journal -> tasks (task_id));
diesel::joinable!(journal -> users (user_id));
diesel::joinable!(reports -> tasks (task_id));
diesel::joinable!(reports -> users (user_id));
diesel::table! {
    installed_sql (name) {
        name -> Text,
        body -> Text,
    }
}

diesel::joinable!(reports -> units (unit_id));
diesel::joinable!(attachments -> tasks (task_id));

diesel::table! {
    escalation_rules (id) {
        id -> Integer,
        overdue_head_days -> Integer,
        overdue_leader_days -> Integer,
        silent_days -> Integer,
        waiting_days -> Integer,
        updated_by -> Nullable<BigInt>,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    task_assignees (task_id, user_id) {
        task_id -> BigInt,
        user_id -> BigInt,
        due_on -> Nullable<Date>,
        assigned_by -> Nullable<BigInt>,
        assigned_at -> Timestamp,
    }
}

diesel::joinable!(task_assignees -> tasks (task_id));
diesel::joinable!(explanations -> tasks (task_id));
diesel::joinable!(explanations -> units (unit_id));
diesel::joinable!(task_transfers -> tasks (task_id));
diesel::joinable!(task_steps -> tasks (task_id));

diesel::table! {
    grading_rules (id) {
        id -> BigInt,
        on_time -> Double,
        late -> Double,
        open_within -> Nullable<Double>,
        overdue -> Double,
        long_overdue -> Double,
        long_days -> Integer,
        unanswered -> Double,
        excellent -> Double,
        good -> Double,
        pass -> Double,
        note -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    issued_reports (id) {
        id -> BigInt,
        series_id -> Nullable<BigInt>,
        version -> Integer,
        title -> Text,
        number -> Text,
        preset -> Text,
        period_from -> Date,
        period_to -> Date,
        axis -> Text,
        scope_kind -> Text,
        scope_id -> Nullable<BigInt>,
        rule_id -> BigInt,
        content -> Text,
        reason -> Text,
        issued_by -> Nullable<BigInt>,
        issued_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    calendar_feeds,
    recovery_codes,
    login_challenges,
    sso_logins,
    webhooks,
    webhook_deliveries,
    grading_rules,
    idempotency_keys,
    issued_reports,
    chases,
    escalation_rules,
    task_assignees,
    explanations,
    units,
    unit_aliases,
    unit_groups,
    unit_group_members,
    users,
    sessions,
    login_failures,
    api_tokens,
    conferences,
    directives,
    directive_files,
    directive_items,
    tasks,
    task_coordinators,
    task_transfers,
    task_steps,
    completion_drafts,
    task_units,
    unit_task_counts,
    unit_open_days,
    task_day_tallies,
    task_month_tallies,
    journal,
    reports,
    attachments,
    attachment_blobs,
    holiday_years,
    holiday_days,
    extension_requests,
    directive_drafts,
    outbox,
    mail_passes,
    password_resets,
    installed_sql,
);

diesel::table! {
    explanations (id) {
        id -> BigInt,
        task_id -> BigInt,
        unit_id -> BigInt,
        asked_by -> Nullable<BigInt>,
        asked_at -> Timestamp,
        reply_by -> Date,
        question -> Text,
        state -> Text,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
        report_id -> Nullable<BigInt>,
        reason -> Text,
        actions -> Text,
        proposed_due -> Nullable<Date>,
        difficulties -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Text,
        new_due -> Nullable<Date>,
    }
}
