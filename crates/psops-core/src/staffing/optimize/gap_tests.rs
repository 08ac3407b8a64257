//! OR-Library GAP instances gap1 to gap12 (Osman 1995; Cattrysse, Salomon and Van Wassenhove
//! 1994), solved as maximisation: the exact search must reach each published optimum, assign
//! every job, and prove it. The optima are those of the OR-Library readme. The fixtures in gap/
//! are Beasley's files unchanged (copies found in public repositories: gap1 to gap11 in
//! jigglybaff/thesis, data/; gap12 in maxwillf/generalized-Assignment-Problem).

use std::time::{Duration, Instant};

use super::gap::parse_orlib;
use super::{Limits, solve};

/// Published optima, five problems per file.
const OPTIMA: [(&str, &str, [i64; 5]); 12] = [
    ("gap1", include_str!("gap/gap1.txt"), [336, 327, 339, 341, 326]),
    ("gap2", include_str!("gap/gap2.txt"), [434, 436, 420, 419, 428]),
    ("gap3", include_str!("gap/gap3.txt"), [580, 564, 573, 570, 564]),
    ("gap4", include_str!("gap/gap4.txt"), [656, 644, 673, 647, 664]),
    ("gap5", include_str!("gap/gap5.txt"), [563, 558, 564, 568, 559]),
    ("gap6", include_str!("gap/gap6.txt"), [761, 759, 758, 752, 747]),
    ("gap7", include_str!("gap/gap7.txt"), [942, 949, 968, 945, 951]),
    ("gap8", include_str!("gap/gap8.txt"), [1133, 1134, 1141, 1117, 1127]),
    ("gap9", include_str!("gap/gap9.txt"), [709, 717, 712, 723, 706]),
    ("gap10", include_str!("gap/gap10.txt"), [958, 963, 960, 947, 947]),
    ("gap11", include_str!("gap/gap11.txt"), [1139, 1178, 1195, 1171, 1171]),
    ("gap12", include_str!("gap/gap12.txt"), [1451, 1449, 1433, 1447, 1446]),
];

fn check_file(index: usize) {
    let (name, text, optima) = OPTIMA[index];
    let problems = parse_orlib(text).expect("fixture parses");
    assert_eq!(problems.len(), 5, "{name}");
    for (k, (problem, optimum)) in problems.iter().zip(optima).enumerate() {
        let started = Instant::now();
        let limits = Limits {
            time: Duration::from_secs(60),
            ..Limits::default()
        };
        let plan = solve(problem, limits).expect("valid");
        let jobs = problem.jobs.len();
        let profit = plan.objective - plan.hard_bonus * jobs as i64;
        println!(
            "{name}-{}: {} agents x {jobs} jobs, profit {profit} (published {optimum}), optimal {}, {} nodes, {:.3} s",
            k + 1,
            problem.agents.len(),
            plan.optimal,
            plan.nodes,
            started.elapsed().as_secs_f64()
        );
        assert_eq!(plan.figures.hard_filled, jobs, "{name}-{}: every job assigned", k + 1);
        assert_eq!(profit, optimum, "{name}-{}", k + 1);
        assert_eq!(plan.figures.total_value, optimum, "{name}-{}", k + 1);
        assert!(plan.optimal, "{name}-{}: optimality proven", k + 1);
        assert_eq!(plan.bound, plan.objective, "{name}-{}", k + 1);
    }
}

macro_rules! gap_file {
    ($($test:ident = $index:expr),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                check_file($index);
            }
        )*
    };
}

gap_file!(
    gap1 = 0,
    gap2 = 1,
    gap3 = 2,
    gap4 = 3,
    gap5 = 4,
    gap6 = 5,
    gap7 = 6,
    gap8 = 7,
    gap9 = 8,
    gap10 = 9,
    gap11 = 10,
    gap12 = 11,
);
