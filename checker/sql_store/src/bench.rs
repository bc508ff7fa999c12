//! The speed workload `cargo xtask compare` times on the learner's crate and on the reference.

use std::fmt::Write as _;

use syskata_kit::Bench;

use crate::drill::Database;

const ROWS: usize = 20_000;

fn insert_all(db: &mut Database) {
    let _ = db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, status TEXT, total INTEGER)");
    let _ = db.execute("CREATE INDEX orders_customer ON orders (customer)");
    let mut sql = String::new();
    for start in (0..ROWS).step_by(1000) {
        sql.clear();
        sql.push_str("INSERT INTO orders VALUES ");
        for i in start..start + 1000 {
            if i > start {
                sql.push_str(", ");
            }
            let status = ["new", "paid", "shipped", "it''s late"][i % 4];
            let _ = write!(sql, "({i}, {}, '{status}', {})", i % 997, (i * 37) % 1000);
        }
        let _ = db.execute(&sql);
    }
}

/// Times a realistic mix: bulk loading, point lookups, updates by key, filtered sorted scans and
/// short transactions, on a 20 000-row table.
pub fn bench(b: &mut Bench) {
    b.measure(
        "bulk INSERT of 20 000 rows (20 statements)",
        ROWS as u64,
        || {
            let mut db = Database::new();
            insert_all(&mut db);
        },
    );
    let mut db = Database::new();
    insert_all(&mut db);
    b.measure("2 000 point SELECTs by primary key", 2_000, || {
        for i in 0..2_000 {
            let _ = db.execute(&format!(
                "SELECT status, total FROM orders WHERE id = {}",
                (i * 7919) % ROWS
            ));
        }
    });
    b.measure("1 000 SELECTs by an indexed column", 1_000, || {
        for i in 0..1_000 {
            let _ = db.execute(&format!(
                "SELECT id FROM orders WHERE customer = {}",
                i % 997
            ));
        }
    });
    b.measure("1 000 UPDATEs by primary key", 1_000, || {
        for i in 0..1_000 {
            let _ = db.execute(&format!(
                "UPDATE orders SET total = total + 1 WHERE id = {}",
                (i * 104_729) % ROWS
            ));
        }
    });
    b.measure("10 filtered scans with ORDER BY and LIMIT", 10, || {
        for i in 0..10 {
            let _ = db.execute(&format!(
                "SELECT id, total FROM orders WHERE (status = 'paid' OR total > {}) AND NOT customer IS NULL ORDER BY total DESC, id LIMIT 20",
                900 + i
            ));
        }
    });
    b.measure("500 short transactions (half rolled back)", 500, || {
        for i in 0..500 {
            let _ = db.execute("BEGIN");
            let _ = db.execute(&format!(
                "UPDATE orders SET status = 'held' WHERE id = {}",
                (i * 31) % ROWS
            ));
            let _ = db.execute(if i % 2 == 0 { "ROLLBACK" } else { "COMMIT" });
        }
    });
}
