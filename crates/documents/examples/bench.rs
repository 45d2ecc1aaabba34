//! 1,000 badges and 1,000 certificates, timed (bench/documents.sh runs it in release).

use guichet_documents::{
    Badge, Certificate, CertificateTexts, Layout, SessionLine, render_badges, render_certificate,
};
use std::time::Instant;

const NAMES: [(&str, &str); 6] = [
    ("Thảo", "Nguyễn Thị Phương"),
    ("Αλέξανδρος", "Παπαδόπουλος"),
    ("Анна", "Кузнецова"),
    ("محمد", "عبد الله"),
    ("Zoë", "Ñúñez-Ørsted"),
    ("Maximiliane-Konstantina", "von Hohenzollern-Sigmaringen"),
];

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let badges: Vec<Badge> = (0..count)
        .map(|i| {
            let (given, family) = NAMES[i % NAMES.len()];
            Badge {
                given_name: given.into(),
                family_name: family.into(),
                organisation: "Organisation internationale pour les migrations".into(),
                country: "Burkina Faso".into(),
                category: "État membre".into(),
                colour: guichet_documents::badges::BAND_COLOURS[i % 8],
                code: format!("{i:06}ABCDEFGHJKLMNPQRSTUV"),
            }
        })
        .collect();
    let started = Instant::now();
    let sheets = render_badges(&badges, Layout::A4Sheet).expect("badges");
    let badges_took = started.elapsed();

    let certificates: Vec<Certificate> = (0..count)
        .map(|i| {
            let (given, family) = NAMES[i % NAMES.len()];
            Certificate {
                texts: CertificateTexts {
                    heading: "Attestation de participation".into(),
                    certifies: "Nous attestons que".into(),
                    attended: "a participé à".into(),
                    days_heading: "Jours de présence".into(),
                    sessions_heading: "Séances suivies".into(),
                    verify: "Vérifier cette attestation :".into(),
                },
                name: format!("{given} {family}"),
                event_title: "Renforcement du rôle de la migration de retour dans les efforts de développement".into(),
                organiser: Some("Organisation internationale pour les migrations (OIM)".into()),
                dates: "7 et 8 juillet 2008".into(),
                venue: "Centre international de conférences de Genève (CICG), Genève".into(),
                days: vec!["lundi 7 juillet 2008".into(), "mardi 8 juillet 2008".into()],
                sessions: (1..=4)
                    .map(|s| SessionLine {
                        title: format!("Session {s} : Exploration de l'équation retour/développement"),
                        when: "lundi 7 juillet 2008, 11:00–13:00 (120 minutes)".into(),
                    })
                    .collect(),
                link: format!("https://guichet.example/v/{i:023}"),
            }
        })
        .collect();
    let started = Instant::now();
    let mut bytes = 0;
    for certificate in &certificates {
        bytes += render_certificate(std::slice::from_ref(certificate))
            .expect("a certificate")
            .len();
    }
    let certificates_took = started.elapsed();
    println!(
        "{count} badges ({} A4 sheets, {} KiB): {:.2} s",
        count.div_ceil(8),
        sheets.len() / 1024,
        badges_took.as_secs_f64()
    );
    println!(
        "{count} certificates (one PDF each, {} KiB in all): {:.2} s",
        bytes / 1024,
        certificates_took.as_secs_f64()
    );
}
