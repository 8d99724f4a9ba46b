//! `lshub bench-meetings`: how long scheduling a matchmaking day takes, and how many of its
//! meetings find a slot, with the hub's scheduler (the busiest participants first) beside
//! the baseline that takes the requests in the order they came. The requests are
//! pseudo-random but the same on every run.

use std::time::{Duration, Instant};

use clap::Args;
use lshub_domain::event::meetings::{schedule, schedule_in_order, Bookings, MeetingGrid, Pair, Placement};

#[derive(Args)]
pub struct BenchMeetingsArgs {
    #[arg(long, default_value_t = 500)]
    participants: u32,
    #[arg(long, default_value_t = 3000)]
    requests: u32,
    /// Slots of the day (18 slots of 20 minutes: 09:00 to 15:00).
    #[arg(long, default_value_t = 18)]
    slots: u32,
    #[arg(long, default_value_t = 60)]
    tables: u32,
    /// Runs of each scheduler; the median is reported.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    rounds: u32,
}

/// The same pseudo-random requests on every run: a linear congruential generator.
fn requests(participants: u32, count: u32) -> Vec<Pair<u32>> {
    let mut state: u64 = 2027;
    let mut next = |n: u32| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        u32::try_from((state >> 33) % u64::from(n.max(1))).unwrap_or(0)
    };
    (0..count)
        .map(|_| {
            let a = next(participants);
            let b = (a + 1 + next(participants.saturating_sub(1))) % participants.max(1);
            Pair { a, b }
        })
        .collect()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

type Scheduler = fn(&MeetingGrid, &mut Bookings<u32>, &[Pair<u32>]) -> Vec<Option<Placement>>;

pub fn run(args: BenchMeetingsArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.participants >= 2, "--participants: at least 2");
    let grid = MeetingGrid {
        first_slot: chrono::DateTime::from_timestamp(1_806_051_600, 0).unwrap_or_default(),
        slot_minutes: 20,
        slots: args.slots,
        tables: args.tables,
    };
    let pairs = requests(args.participants, args.requests);
    println!(
        "matchmaking day: {} participants, {} requests, {} slots x {} tables = {} meetings at most; median of {} runs",
        args.participants,
        args.requests,
        args.slots,
        args.tables,
        u64::from(args.slots) * u64::from(args.tables),
        args.rounds
    );
    let schedulers: [(&str, Scheduler); 2] =
        [("the hub (the better of two orders)", schedule), ("in the order asked (baseline)", schedule_in_order)];
    for (name, scheduler) in schedulers {
        let mut times = Vec::new();
        let mut placed = 0;
        for _ in 0..args.rounds {
            let started = Instant::now();
            let result = scheduler(&grid, &mut Bookings::default(), &pairs);
            times.push(started.elapsed());
            placed = result.iter().filter(|p| p.is_some()).count();
        }
        println!("{name:<34} {:>10.2?}   {placed} meetings placed", median(times));
    }
    Ok(())
}
