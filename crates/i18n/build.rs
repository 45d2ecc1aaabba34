fn main() {
    // The catalogs are read at compile time by fluent-templates' `static_loader!`, a macro whose
    // reads cargo does not see: without this a changed catalog left an old build's messages in
    // place (a new key showed as the key itself until something else was recompiled).
    println!("cargo:rerun-if-changed=../../templates/locales");
}
