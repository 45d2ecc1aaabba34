//! Charts drawn on the server as SVG (plotters): the dashboard's arrival curves.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use domain::DeskWindow;
use plotters::prelude::*;

/// Minutes per bar of an arrival curve.
const BIN_MINUTES: i64 = 5;

/// Check-ins per 5 minutes across a day's desk window, labelled in the event's local time.
pub fn arrival_curve(times: &[DateTime<Utc>], window: DeskWindow, tz: Tz) -> String {
    let span = (window.closes_at - window.opens_at)
        .num_minutes()
        .max(BIN_MINUTES);
    let bins = usize::try_from((span + BIN_MINUTES - 1) / BIN_MINUTES).unwrap_or(1);
    let mut counts = vec![0u32; bins];
    for at in times {
        let minutes = (*at - window.opens_at).num_minutes();
        if let Ok(index) = usize::try_from(minutes / BIN_MINUTES)
            && index < bins
        {
            counts[index] += 1;
        }
    }
    let mut svg = String::new();
    if let Err(error) = draw(&mut svg, &counts, window.opens_at, tz) {
        tracing::warn!(%error, "cannot draw the arrival curve");
        return String::new();
    }
    svg
}

fn draw(
    svg: &mut String,
    counts: &[u32],
    opens_at: DateTime<Utc>,
    tz: Tz,
) -> Result<(), Box<dyn std::error::Error>> {
    let bins = u32::try_from(counts.len()).unwrap_or(u32::MAX);
    let highest = counts.iter().copied().max().unwrap_or(0).max(1);
    let root = SVGBackend::with_string(svg, (720, 220)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(26)
        .y_label_area_size(34)
        .build_cartesian_2d((0u32..bins).into_segmented(), 0u32..highest + 1)?;
    let label = |value: &SegmentValue<u32>| {
        let index = match value {
            SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => *i,
            SegmentValue::Last => bins,
        };
        let at = opens_at + TimeDelta::minutes(i64::from(index) * BIN_MINUTES);
        i18n::hh_mm(at, tz)
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(usize::try_from(bins / 12 + 1).unwrap_or(8))
        .x_label_formatter(&label)
        .y_labels(usize::try_from(highest.min(5) + 1).unwrap_or(6))
        .y_label_formatter(&|v| v.to_string())
        .draw()?;
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(RGBColor(43, 138, 62).filled())
            .margin(1)
            .data(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, c)| (u32::try_from(i).unwrap_or(0), *c)),
            ),
    )?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn arrivals_are_binned_by_five_minutes_and_labelled_in_local_time() {
        let window = DeskWindow {
            opens_at: utc("2008-07-07T07:00:00Z"),
            closes_at: utc("2008-07-07T16:00:00Z"),
        };
        let empty = arrival_curve(&[], window, chrono_tz::Europe::Zurich);
        let busy = arrival_curve(
            &[
                utc("2008-07-07T07:01:00Z"),
                utc("2008-07-07T07:03:00Z"),
                utc("2008-07-07T07:07:00Z"),
            ],
            window,
            chrono_tz::Europe::Zurich,
        );
        assert!(empty.starts_with("<svg"), "{empty}");
        assert!(
            busy.contains("09:00") && !busy.contains("07:00"),
            "labels in Geneva time: {busy}"
        );
        // Bars are rectangles in the green of the desk's "ok": more of them with arrivals.
        let bars = |svg: &str| svg.matches("fill=\"#2B8A3E\"").count();
        assert_eq!(bars(&empty), 0);
        assert_eq!(bars(&busy), 2, "two 5-minute bins have arrivals");
    }
}
