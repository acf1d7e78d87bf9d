//! `vaardig profile`: the advisor builds a person's profile during the conversation.
//!
//! Skills come from a CV or a story in the person's own words (recognised by ExtractConcepts, with
//! the spans of text shown so the advisor sees how it was read), from an existing profile file, and
//! from skills the advisor adds or removes by name — with `--add`/`--remove` for scripts, or
//! interactively, one command per line on stdin, where a name that fits several skills shows
//! numbered suggestions to choose from. The profile is saved only to the file the advisor names
//! (`--out`, or `w FILE`): the server is asked about the ontology, never told about the person.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::client::block_on;
use super::lookup::{self, Found, Lookup, kind_words, looks_like_id, numbered};
use super::profile_file::ProfileFile;
use super::report::table::{Column, render};
use super::services::{OfflineArgs, Services, explain};
use super::{ClientArgs, EXIT_FAILURE, EXIT_INVALID_ARGUMENT, EXIT_NOT_FOUND, Failure};
use crate::model::Lang;
use crate::model::{ConceptKind, compact_id, expand_id};
use crate::proto::v1 as pb;

/// Wrong usage of the command line.
const EXIT_USAGE: u8 = 2;

/// The exit codes of `profile` and `advise`, for `--help`.
pub const ADVISOR_EXIT_CODES: &str = "Exit codes: 0 success · 1 other failure (e.g. a file cannot be written) · \
2 wrong usage · 3 server unreachable · 4 not found (profile file, target, skill or id) · \
5 invalid argument (malformed profile file, naming the field; a name that fits several concepts)";

const INTERACTIVE_HELP_NL: &str = "Opdrachten (één per regel):
  + NAAM       vaardigheid toevoegen (de duidelijk beste treffer, anders genummerde suggesties)
  N            suggestie N kiezen
  - NAAM|N     vaardigheid verwijderen (naam, id of nummer uit de lijst)
  = NAAM       huidig beroep zetten (= - wist het)
  ?            profiel tonen
  w [BESTAND]  opslaan (in --out of BESTAND)
  q            stoppen
  h            deze hulp";

const INTERACTIVE_HELP_EN: &str = "Commands (one per line):
  + NAME       add a skill (the clear best hit, else numbered suggestions)
  N            choose suggestion N
  - NAME|N     remove a skill (name, id or number in the list)
  = NAME       set the current occupation (= - clears it)
  ?            show the profile
  w [FILE]     save (to --out or FILE)
  q            quit
  h            this help";

/// `vaardig profile`.
#[derive(Debug, clap::Args)]
#[command(after_help = ADVISOR_EXIT_CODES)]
pub struct ProfileArgs {
    /// A CV or a story in the person's own words to recognise skills in: FILE, or - for stdin.
    #[arg(value_name = "FILE|-")]
    pub story: Option<String>,
    /// Start from this profile file (to change a saved profile).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Add a skill by name (the clear best match; otherwise the choices are listed) or by id.
    /// Repeatable.
    #[arg(long = "add", value_name = "NAME|ID")]
    pub add: Vec<String>,
    /// Remove a skill by name, id or number in the list. Repeatable.
    #[arg(long = "remove", value_name = "NAME|ID|N")]
    pub remove: Vec<String>,
    /// The person's current occupation by name or id; `-` for none.
    #[arg(long, value_name = "NAME|ID")]
    pub occupation: Option<String>,
    /// Edit interactively: one command per line on stdin (`+ lassen`, `- 2`, `?`, `w`, `q`; `h` for help).
    #[arg(long, short = 'i')]
    pub interactive: bool,
    /// Save the profile to this file — the only place it is kept.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub offline: OfflineArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn profile(args: &ProfileArgs) -> Result<(), Failure> {
    let text = args.client.lang;
    if args.interactive && args.story.as_deref() == Some("-") {
        return Err(Failure::new(
            EXIT_USAGE,
            text.pick(
                "--interactive leest opdrachten van stdin; geef het verhaal dan als bestand, niet als -",
                "--interactive reads commands from stdin; give the story as a file then, not as -",
            ),
        ));
    }
    let story = match args.story.as_deref() {
        None => None,
        Some(source) => Some(read_story(source, text)?),
    };
    let stored = match &args.from {
        Some(path) => ProfileFile::read(path).map_err(|e| Failure::new(e.exit_code(), e.describe(text)))?,
        None => ProfileFile::default(),
    };
    block_on(async {
        let services = Services::open(&args.client, &args.offline).await?;
        let mut session = Session::new(&services, stored, args.client.lang, args.out.clone());
        let origin = args.from.as_deref().unwrap_or(Path::new("-"));
        check_profile(&services, &mut session.profile, origin, args.client.lang).await?;
        // With --json, stdout carries only the profile; what is said to the advisor goes to stderr.
        let mut out: Box<dyn Write> =
            if args.client.json { Box::new(std::io::stderr().lock()) } else { Box::new(std::io::stdout().lock()) };
        if let Some(story) = &story {
            session.read_story(story, &mut out).await?;
        }
        if let Some(name) = &args.occupation {
            session.set_occupation_now(name).await?;
        }
        for name in &args.add {
            let found = lookup::one(&services, name, ConceptKind::Skill, args.client.lang, "--add").await?;
            session.add(found, &mut out)?;
        }
        for name in &args.remove {
            session.remove(name, &mut out).await?;
        }
        if args.interactive {
            session.show(&mut out)?;
            let stdin = std::io::stdin();
            let prompt = stdin.is_terminal();
            return session.interactive(stdin.lock(), &mut out, prompt).await;
        }
        session.show(&mut out)?;
        match &args.out {
            Some(path) => session.save(path, &mut out)?,
            None if !args.client.json => write_out(
                &mut out,
                text.pick(
                    "(niet opgeslagen: geef --out BESTAND om het profiel te bewaren)\n",
                    "(not saved: give --out FILE to keep the profile)\n",
                ),
            )?,
            None => {}
        }
        if args.client.json {
            write_out(&mut std::io::stdout().lock(), &session.profile.to_json())?;
        }
        Ok(())
    })
}

/// Writes to stdout (or a test's buffer). A reader that went away (`| head`) is not an error.
pub(super) fn write_out(out: &mut impl Write, s: &str) -> Result<(), Failure> {
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(EXIT_FAILURE, format!("stdout: {e}"))),
        _ => Ok(()),
    }
}

fn read_story(source: &str, text: Lang) -> Result<String, Failure> {
    if source == "-" {
        let mut story = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut story).map_err(|e| {
            Failure::new(EXIT_FAILURE, format!("{} {e}", text.pick("kan stdin niet lezen:", "cannot read stdin:")))
        })?;
        return Ok(story);
    }
    std::fs::read_to_string(source).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::new(
            EXIT_NOT_FOUND,
            format!(
                "{} {source} {}",
                text.pick("het bestand", "the file"),
                text.pick("bestaat niet", "does not exist")
            ),
        ),
        _ => Failure::new(EXIT_FAILURE, format!("{} {source}: {e}", text.pick("kan niet lezen:", "cannot read:"))),
    })
}

/// Checks that every id of a profile exists with the right kind in the ontology answering, and
/// sets the labels to the ontology's labels in the language asked for. A problem names the profile file and its field.
pub(super) async fn check_profile(
    services: &Services,
    profile: &mut ProfileFile,
    path: &Path,
    lang: Lang,
) -> Result<(), Failure> {
    let text = lang;
    let fields: Vec<(String, String, ConceptKind)> = profile
        .skills
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("skills[{i}]"), id.clone(), ConceptKind::Skill))
        .chain(
            profile
                .current_occupation
                .iter()
                .map(|id| ("current_occupation".to_string(), id.clone(), ConceptKind::Occupation)),
        )
        .collect();
    let doing = format!("{} {}", text.pick("profielbestand", "profile file"), path.display());
    for chunk in fields.chunks(1000) {
        // Only existence, kind and label are checked: the BASIC view.
        let request = pb::BatchGetConceptsRequest {
            ids: chunk.iter().map(|(_, id, _)| id.clone()).collect(),
            lang: lang.to_string(),
            view: pb::ConceptView::Basic as i32,
        };
        let concepts = match services.batch_get_concepts(request).await {
            Ok(response) => response.concepts,
            Err(status) if status.code() == tonic::Code::NotFound => {
                // Name the first field whose id this ontology does not know.
                for (field, id, _) in chunk {
                    let one = pb::BatchGetConceptsRequest {
                        ids: vec![id.clone()],
                        lang: lang.to_string(),
                        view: pb::ConceptView::Basic as i32,
                    };
                    if services.batch_get_concepts(one).await.is_err() {
                        return Err(Failure::new(
                            EXIT_NOT_FOUND,
                            format!(
                                "{doing}: {} `{field}`: `{}` {}",
                                text.pick("veld", "field"),
                                compact_id(id),
                                text.pick(
                                    "staat niet in deze ontologie (is het profiel op een andere ontologie gemaakt?)",
                                    "is not in this ontology (was the profile made on another ontology?)"
                                )
                            ),
                        ));
                    }
                }
                return Err(explain(status, &doing, text));
            }
            Err(status) => return Err(explain(status, &doing, text)),
        };
        for ((field, id, kind), concept) in chunk.iter().zip(&concepts) {
            if concept.kind != crate::server::response::kind_to_pb(*kind) as i32 {
                return Err(Failure::new(
                    EXIT_INVALID_ARGUMENT,
                    format!(
                        "{doing}: {} `{field}`: {} ({}) {} {}",
                        text.pick("veld", "field"),
                        concept.preferred_label,
                        compact_id(id),
                        text.pick("is geen", "is not a"),
                        kind_words(*kind, text)
                    ),
                ));
            }
            // The ontology's label in the language asked for replaces whatever the file said.
            profile.labels.insert(id.clone(), concept.preferred_label.clone());
        }
    }
    Ok(())
}

/// What a bare number chooses from.
#[derive(Debug, Clone)]
enum Pending {
    Nothing,
    Skills(Vec<Found>),
    Occupations(Vec<Found>),
}

/// The profile being edited and what it was last asked.
struct Session<'a> {
    services: &'a Services,
    profile: ProfileFile,
    lang: Lang,
    text: Lang,
    out_path: Option<PathBuf>,
    pending: Pending,
    unsaved: bool,
}

/// Where a name points in the profile.
enum InProfile {
    One(String),
    Several(Vec<String>),
    Absent,
}

impl<'a> Session<'a> {
    fn new(services: &'a Services, profile: ProfileFile, lang: Lang, out_path: Option<PathBuf>) -> Session<'a> {
        Session { services, profile, lang, text: lang, out_path, pending: Pending::Nothing, unsaved: false }
    }

    /// Recognises skills and occupations in the story, shows each with its span of text, adds the
    /// skills and — when none is set — takes the most certain occupation as the current one.
    async fn read_story(&mut self, story: &str, out: &mut impl Write) -> Result<(), Failure> {
        let t = self.text;
        let request = pb::ExtractConceptsRequest {
            text: story.to_string(),
            lang: self.lang.to_string(),
            min_confidence: 0.0,
            include_deprecated: false,
        };
        let doing = t.pick("herkennen van vaardigheden in de tekst", "recognising skills in the text");
        let found = self.services.extract_concepts(request).await.map_err(|s| explain(s, doing, t))?;
        let (mentions, credentials) = (found.mentions, found.credentials);
        let skill_kind = crate::server::response::kind_to_pb(ConceptKind::Skill) as i32;
        let occupation_kind = crate::server::response::kind_to_pb(ConceptKind::Occupation) as i32;
        let recognised = mentions.len() + credentials.len();
        let mut report = format!("{} ({recognised}):\n", t.pick("Herkend in de tekst", "Recognised in the text"));
        if recognised == 0 {
            report.push_str(t.pick("  (niets herkend)\n", "  (nothing recognised)\n"));
        }
        let mut rows = Vec::new();
        let mut added = 0;
        let mut best_occupation: Option<(f32, Found)> = None;
        for m in &mentions {
            let concept = m.concept.clone().unwrap_or_default();
            let found = Found { id: concept.id.clone(), label: concept.label.clone(), matched: None };
            let used = if concept.kind == skill_kind {
                if self.profile.add_skill(&found.id, &found.label) {
                    added += 1;
                }
                t.pick("vaardigheid", "skill")
            } else if concept.kind == occupation_kind {
                if best_occupation.as_ref().is_none_or(|(c, _)| m.confidence > *c) {
                    best_occupation = Some((m.confidence, found.clone()));
                }
                t.pick("beroep", "occupation")
            } else {
                t.pick("(niet gebruikt)", "(not used)")
            };
            rows.push(vec![
                format!("{}–{}", m.start, m.end),
                format!("“{}”", m.text),
                concept.label.clone(),
                used.to_string(),
                format!("{:.0}%", m.confidence * 100.0),
                compact_id(&concept.id),
            ]);
        }
        // A credential the story names: the skills it certifies join as skills, shown with it.
        for c in &credentials {
            let used = t.pick("via certificaat", "via credential");
            for skill in &c.certifies {
                if self.profile.add_skill(&skill.id, &skill.label) {
                    added += 1;
                }
                rows.push(vec![
                    format!("{}–{}", c.start, c.end),
                    format!("“{}”", c.text),
                    skill.label.clone(),
                    used.to_string(),
                    "-".to_string(),
                    compact_id(&skill.id),
                ]);
            }
        }
        if !rows.is_empty() {
            let columns = [
                Column::left(t.pick("plaats", "span"), 11),
                Column::left(t.pick("tekst", "text"), 30),
                Column::left(t.pick("herkend als", "recognised as"), 30),
                Column::left(t.pick("soort", "kind"), 15),
                Column::left(t.pick("zeker", "confidence"), 10),
                Column::left("id", 60),
            ];
            report.push_str(&render(&columns, &rows, "  "));
        }
        if added > 0 {
            self.unsaved = true;
        }
        report.push_str(&format!("{} {added}\n", t.pick("vaardigheden toegevoegd:", "skills added:")));
        if let Some((_, occupation)) = best_occupation
            && self.profile.current_occupation.is_none()
        {
            report.push_str(&format!(
                "{} {} {}\n",
                t.pick("huidig beroep:", "current occupation:"),
                occupation.label,
                t.pick(
                    "(uit de tekst; wijzig met --occupation of = NAAM)",
                    "(from the text; change with --occupation or = NAME)"
                )
            ));
            self.set_occupation(Some(occupation));
        }
        write_out(out, &report)
    }

    fn set_occupation(&mut self, occupation: Option<Found>) {
        if let Some(old) = self.profile.current_occupation.take()
            && !self.profile.skills.contains(&old)
        {
            self.profile.labels.remove(&old);
        }
        if let Some(found) = occupation {
            self.profile.labels.insert(found.id.clone(), found.label);
            self.profile.current_occupation = Some(found.id);
        }
        self.unsaved = true;
    }

    /// `--occupation`: exactly one occupation, or `-` for none.
    async fn set_occupation_now(&mut self, name: &str) -> Result<(), Failure> {
        if name.trim() == "-" {
            self.set_occupation(None);
            return Ok(());
        }
        let found = lookup::one(self.services, name, ConceptKind::Occupation, self.lang, "--occupation").await?;
        self.set_occupation(Some(found));
        Ok(())
    }

    fn add(&mut self, found: Found, out: &mut impl Write) -> Result<(), Failure> {
        let t = self.text;
        let line = if self.profile.add_skill(&found.id, &found.label) {
            self.unsaved = true;
            format!("{} {}  ({})\n", t.pick("toegevoegd:", "added:"), found.label, compact_id(&found.id))
        } else {
            format!("{} {}\n", t.pick("stond er al in:", "already in the profile:"), found.label)
        };
        write_out(out, &line)
    }

    /// Finds a skill of the profile by its number in the list, id or label (whole, or a part that
    /// fits one skill only), else by searching the name.
    async fn find(&self, what: &str) -> Result<InProfile, Failure> {
        let what = what.trim();
        if let Ok(n) = what.parse::<usize>() {
            return Ok(match self.profile.skills.get(n.wrapping_sub(1)) {
                Some(id) => InProfile::One(id.clone()),
                None => InProfile::Absent,
            });
        }
        if looks_like_id(what) {
            let id = expand_id(what);
            return Ok(if self.profile.skills.contains(&id) { InProfile::One(id) } else { InProfile::Absent });
        }
        let wanted = what.to_lowercase();
        let label = |id: &String| self.profile.label_of(id).to_lowercase();
        if let Some(id) = self.profile.skills.iter().find(|id| label(id) == wanted) {
            return Ok(InProfile::One(id.clone()));
        }
        let containing: Vec<String> =
            self.profile.skills.iter().filter(|id| label(id).contains(&wanted)).cloned().collect();
        match containing.len() {
            1 => return Ok(InProfile::One(containing[0].clone())),
            n if n > 1 => return Ok(InProfile::Several(containing)),
            _ => {}
        }
        Ok(match lookup::lookup(self.services, what, ConceptKind::Skill, self.lang).await? {
            Lookup::One(found) if self.profile.skills.contains(&found.id) => InProfile::One(found.id),
            _ => InProfile::Absent,
        })
    }

    /// `--remove` and `- NAME|N`.
    async fn remove(&mut self, what: &str, out: &mut impl Write) -> Result<(), Failure> {
        let t = self.text;
        match self.find(what).await? {
            InProfile::One(id) => {
                let label = self.profile.label_of(&id);
                self.profile.remove_skill(&id);
                self.unsaved = true;
                write_out(out, &format!("{} {label}\n", t.pick("verwijderd:", "removed:")))
            }
            InProfile::Several(ids) => {
                let names: Vec<String> = ids.iter().map(|id| self.profile.label_of(id)).collect();
                Err(Failure::new(
                    EXIT_INVALID_ARGUMENT,
                    format!(
                        "“{what}” {} {}",
                        t.pick("past bij meerdere vaardigheden in het profiel:", "fits several skills in the profile:"),
                        names.join(", ")
                    ),
                ))
            }
            InProfile::Absent => Err(Failure::new(
                EXIT_NOT_FOUND,
                format!("“{what}” {}", t.pick("staat niet in het profiel", "is not in the profile")),
            )),
        }
    }

    /// The profile as a numbered list.
    fn show(&self, out: &mut impl Write) -> Result<(), Failure> {
        let t = self.text;
        let mut s = format!(
            "{} ({} {}):\n",
            t.pick("Profiel", "Profile"),
            self.profile.skills.len(),
            t.pick("vaardigheden", "skills")
        );
        for (i, id) in self.profile.skills.iter().enumerate() {
            s.push_str(&format!("  {:>2}. {}  {}\n", i + 1, self.profile.label_of(id), compact_id(id)));
        }
        let current = match &self.profile.current_occupation {
            Some(id) => format!("{}  {}", self.profile.label_of(id), compact_id(id)),
            None => t.pick("onbekend", "unknown").to_string(),
        };
        s.push_str(&format!("{} {current}\n", t.pick("Huidig beroep:", "Current occupation:")));
        write_out(out, &s)
    }

    fn save(&mut self, path: &Path, out: &mut impl Write) -> Result<(), Failure> {
        self.profile.write(path).map_err(|e| Failure::new(e.exit_code(), e.describe(self.text)))?;
        self.unsaved = false;
        write_out(
            out,
            &format!(
                "{} {} ({} {})\n",
                self.text.pick("opgeslagen in", "saved to"),
                path.display(),
                self.profile.skills.len(),
                self.text.pick("vaardigheden", "skills")
            ),
        )
    }

    /// Reads commands until `q` or the end of the input. A command that fails says why and the
    /// session goes on; only failing to write the answer ends it.
    async fn interactive(&mut self, input: impl BufRead, out: &mut impl Write, prompt: bool) -> Result<(), Failure> {
        let t = self.text;
        write_out(out, t.pick("Typ h voor hulp.\n", "Type h for help.\n"))?;
        let mut quit_asked = false;
        let mut lines = input.lines();
        loop {
            if prompt {
                write_out(out, "> ")?;
            }
            let Some(line) = lines.next() else { break };
            let line = line.map_err(|e| Failure::new(EXIT_FAILURE, format!("stdin: {e}")))?;
            let line = line.trim();
            let (command, rest) = match line.char_indices().next() {
                Some((_, c)) if "+-=?".contains(c) => (c.to_string(), line[c.len_utf8()..].trim()),
                _ => match line.split_once(char::is_whitespace) {
                    Some((command, rest)) => (command.to_string(), rest.trim()),
                    None => (line.to_string(), ""),
                },
            };
            let result = match command.as_str() {
                "" => Ok(()),
                "+" if rest.is_empty() => write_out(out, t.pick("gebruik: + NAAM\n", "usage: + NAME\n")),
                "+" => self.offer(rest, ConceptKind::Skill, out).await,
                "=" if rest == "-" => {
                    self.set_occupation(None);
                    write_out(out, t.pick("huidig beroep gewist\n", "current occupation cleared\n"))
                }
                "=" if rest.is_empty() => write_out(out, t.pick("gebruik: = NAAM\n", "usage: = NAME\n")),
                "=" => self.offer(rest, ConceptKind::Occupation, out).await,
                "-" if rest.is_empty() => write_out(out, t.pick("gebruik: - NAAM of - N\n", "usage: - NAME or - N\n")),
                "-" => self.remove(rest, out).await,
                "?" => self.show(out),
                "h" | "help" | "hulp" => {
                    write_out(out, &format!("{}\n", t.pick(INTERACTIVE_HELP_NL, INTERACTIVE_HELP_EN)))
                }
                "w" => {
                    let path = if rest.is_empty() { self.out_path.clone() } else { Some(PathBuf::from(rest)) };
                    match path {
                        Some(path) => {
                            self.out_path = Some(path.clone());
                            self.save(&path, out)
                        }
                        None => write_out(
                            out,
                            t.pick("gebruik: w BESTAND (of geef --out)\n", "usage: w FILE (or give --out)\n"),
                        ),
                    }
                }
                "q" | "quit" | "stop" => {
                    if self.unsaved && !quit_asked {
                        quit_asked = true;
                        write_out(
                            out,
                            t.pick(
                                "er zijn niet-opgeslagen wijzigingen: w om op te slaan, q nogmaals om te stoppen zonder opslaan\n",
                                "there are unsaved changes: w to save, q again to quit without saving\n",
                            ),
                        )
                    } else {
                        return Ok(());
                    }
                }
                number if number.parse::<usize>().is_ok() => self.choose(number.parse().unwrap_or(0), out),
                _ => write_out(
                    out,
                    &format!(
                        "{} “{line}”; {}\n",
                        t.pick("onbekende opdracht", "unknown command"),
                        t.pick("h voor hulp", "h for help")
                    ),
                ),
            };
            if let Err(failure) = result {
                if failure.code == EXIT_FAILURE || failure.code == super::EXIT_UNREACHABLE {
                    return Err(failure);
                }
                write_out(out, &format!("{}\n", failure.message))?;
            }
        }
        if self.unsaved {
            write_out(out, t.pick("let op: wijzigingen niet opgeslagen\n", "note: changes not saved\n"))?;
        }
        Ok(())
    }

    /// `+ NAME` / `= NAME`: takes the clear best match, else shows numbered suggestions.
    async fn offer(&mut self, name: &str, kind: ConceptKind, out: &mut impl Write) -> Result<(), Failure> {
        let t = self.text;
        match lookup::lookup(self.services, name, kind, self.lang).await? {
            Lookup::One(found) => self.take(found, kind, out),
            Lookup::Nothing => {
                self.pending = Pending::Nothing;
                write_out(out, &format!("{} “{name}”\n", t.pick("niets gevonden voor", "nothing found for")))
            }
            Lookup::Choices(choices) => {
                let listing = format!(
                    "{}\n{}",
                    t.pick("Kies een nummer (of typ verder):", "Choose a number (or type on):"),
                    numbered(&choices)
                );
                self.pending = if kind == ConceptKind::Occupation {
                    Pending::Occupations(choices)
                } else {
                    Pending::Skills(choices)
                };
                write_out(out, &listing)
            }
        }
    }

    fn take(&mut self, found: Found, kind: ConceptKind, out: &mut impl Write) -> Result<(), Failure> {
        self.pending = Pending::Nothing;
        if kind == ConceptKind::Occupation {
            let line = format!(
                "{} {}  ({})\n",
                self.text.pick("huidig beroep:", "current occupation:"),
                found.label,
                compact_id(&found.id)
            );
            self.set_occupation(Some(found));
            return write_out(out, &line);
        }
        self.add(found, out)
    }

    fn choose(&mut self, number: usize, out: &mut impl Write) -> Result<(), Failure> {
        let t = self.text;
        let (choices, kind) = match &self.pending {
            Pending::Skills(c) => (c.clone(), ConceptKind::Skill),
            Pending::Occupations(c) => (c.clone(), ConceptKind::Occupation),
            Pending::Nothing => {
                return write_out(
                    out,
                    t.pick(
                        "geen suggesties om uit te kiezen; typ eerst + NAAM\n",
                        "no suggestions to choose from; type + NAME first\n",
                    ),
                );
            }
        };
        match choices.get(number.wrapping_sub(1)) {
            Some(found) => self.take(found.clone(), kind, out),
            None => write_out(
                out,
                &format!("{} 1–{}\n", t.pick("kies een nummer van", "choose a number from"), choices.len()),
            ),
        }
    }
}
