//! A path to a value inside a record, as findings name it
//! (`listRelatedEntity[0].listContact[1].contactType`): built on the stack as the walker
//! descends, rendered only when a finding is made.

/// A path to a value, rendered lazily (`listRelatedEntity[0].listContact[1].contactType`).
#[derive(Clone, Copy)]
pub struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    seg: Seg<'p>,
}

#[derive(Clone, Copy)]
enum Seg<'p> {
    Root,
    Key(&'p str),
    Index(usize),
}

impl<'p> Path<'p> {
    pub fn root() -> Path<'static> {
        Path {
            parent: None,
            seg: Seg::Root,
        }
    }

    pub fn key<'q>(&'q self, key: &'q str) -> Path<'q> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    pub fn index<'q>(&'q self, i: usize) -> Path<'q> {
        Path {
            parent: Some(self),
            seg: Seg::Index(i),
        }
    }

    pub fn render(&self) -> String {
        let mut segs = Vec::new();
        let mut p = Some(self);
        while let Some(cur) = p {
            segs.push(cur.seg);
            p = cur.parent;
        }
        let mut out = String::new();
        for seg in segs.iter().rev() {
            match seg {
                Seg::Root => {}
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}
