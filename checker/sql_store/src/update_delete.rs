//! Stage update_delete: UPDATE … SET … WHERE, DELETE … WHERE, affected counts, arithmetic.

use syskata_kit::{checks, scenario, Ctx, Stage};

use crate::model::{compare_with_model, Features};

/// Returns the checks of stage update_delete.
pub fn stage() -> Stage {
    Stage {
        slug: "update_delete",
        checks: checks![
            update_changes_matching_rows_and_counts_them,
            set_expressions_see_the_old_row,
            arithmetic_follows_precedence,
            delete_removes_matching_rows_and_counts_them,
            a_failing_statement_changes_nothing,
            random_updates_and_deletes_match_a_model,
            a_column_assigned_twice_takes_the_last_value,
            update_names_are_checked_before_types,
            overflow_counts_only_where_it_decides,
            new_keywords_are_never_names,
        ],
    }
}

script_checks!("update_delete":
    update_changes_matching_rows_and_counts_them,
    set_expressions_see_the_old_row,
    arithmetic_follows_precedence,
    delete_removes_matching_rows_and_counts_them,
    a_failing_statement_changes_nothing,
    a_column_assigned_twice_takes_the_last_value,
    update_names_are_checked_before_types,
    overflow_counts_only_where_it_decides,
    new_keywords_are_never_names,
);

fn random_updates_and_deletes_match_a_model(ctx: &mut Ctx) {
    scenario(
        "seeded random INSERTs, UPDATEs (SET from constants, columns and small arithmetic),\n\
         DELETEs and SELECTs on table t (id, a, b INTEGER, s TEXT). Each result, affected count\n\
         included, must match a simple model.",
    );
    compare_with_model(ctx.rng(), Features::UPDATE_DELETE, 300);
}
