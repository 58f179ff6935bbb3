//! The Typst world of a report: one template as the main source, the document as `data.json`,
//! Typst's embedded fonts, and no files of the machine.

use crate::{Pdf, ReportError};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// Parsed once: the fonts are the same for every report.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> Result<FileId, ReportError> {
    let vpath = VirtualPath::new(path).map_err(|e| ReportError::Typeset(format!("{e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

struct ReportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }
    /// Reports carry their own date; the template never asks for today.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn typeset(template: &str, data: Vec<u8>) -> Result<Pdf, ReportError> {
    let world = ReportWorld {
        main: Source::new(file_id("/report.typ")?, template.to_string()),
        data_id: file_id("/data.json")?,
        data: Bytes::new(data),
    };
    let doc: PagedDocument = typst::compile(&world)
        .output
        .map_err(|e| ReportError::Typeset(diagnostics(&e)))?;
    let options = typst_pdf::PdfOptions {
        tagged: true,
        ..Default::default()
    };
    let bytes = typst_pdf::pdf(&doc, &options).map_err(|e| ReportError::Pdf(diagnostics(&e)))?;
    // Typst memoises layout across compilations; a server that typesets every report once would
    // only grow that cache. Every report is typeset from scratch, and memory stays flat.
    typst::comemo::evict(0);
    Ok(Pdf {
        bytes,
        pages: doc.pages().len(),
    })
}
