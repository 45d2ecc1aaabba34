fn main() {
    // Templates are compiled into the binary so that a release build runs from anywhere.
    minijinja_embed::embed_templates!("../../templates/pages");
}
