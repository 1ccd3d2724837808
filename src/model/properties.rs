//! A feature's properties, stored compactly.
//!
//! A layer of a million points with a dozen short properties each is common (a QGIS export,
//! an Overpass dump). Held as `serde_json::Map`s, each property costs about 190 bytes (its key
//! as a `String`, a `Value`, the string's own allocation and the map's hash index) against the
//! 20 or so bytes of its text, and the layer takes many times its file. Here:
//! - the keys are stored once per key list (every feature of a homogeneous file points to
//!   the same list, and features that alternate between a few lists share them too), each
//!   name once;
//! - the values lie in one buffer a feature: a tag byte and the end of its text (4 bytes)
//!   each, then their text end to end — strings as they read, numbers as JSON writes them,
//!   arrays and objects (rare in map data) as compact JSON, read again when asked for;
//!   `null`, `true` and `false` have no text.
//!
//! Order is kept as written, and a key given twice keeps its first place and its last value,
//! as `serde_json::Map` does with `preserve_order`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::fmt::{self, Write as _};
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

/// The keys of one feature's properties, in order; shared by the features that have the same,
/// and each name shared by the lists that have it.
type Keys = Arc<[Arc<str>]>;

/// What kind a stored value is: the tag byte before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Tag {
    Null = 0,
    False = 1,
    True = 2,
    /// A number, its JSON text.
    Number = 3,
    /// A string, its text.
    Str = 4,
    /// An array or an object, its compact JSON text.
    Json = 5,
}

impl Tag {
    fn of(byte: u8) -> Self {
        match byte {
            1 => Self::False,
            2 => Self::True,
            3 => Self::Number,
            4 => Self::Str,
            5 => Self::Json,
            _ => Self::Null,
        }
    }
}

/// A feature's properties (see the module's notes): keys in file order, each with a value.
#[derive(Clone, Default)]
pub struct Properties {
    keys: Option<Keys>,
    /// For n keys: n tags, n ends of text (little-endian `u32`, from the text's start), then
    /// the text.
    data: Box<[u8]>,
}

/// Properties whose text passes what one feature's buffer can address (4 GiB).
#[derive(Debug, thiserror::Error)]
#[error("the feature's properties hold more than 4 GiB of text")]
pub struct TooMuchText;

/// One property's value, borrowed from its [`Properties`].
#[derive(Clone, Debug, PartialEq)]
pub enum PropValue<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as JSON has it.
    Number(Number),
    /// A string.
    Str(&'a str),
    /// An array or an object.
    Json(Value),
}

impl<'a> PropValue<'a> {
    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number as an `f64`, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The elements, if it is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Self::Json(v) => v.as_array(),
            _ => None,
        }
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value as JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Number(n) => Value::Number(n.clone()),
            Self::Str(s) => Value::String((*s).to_string()),
            Self::Json(v) => v.clone(),
        }
    }
}

/// As JSON writes it: strings quoted, numbers and booleans as written, `null`.
impl fmt::Display for PropValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(n) => write!(f, "{n}"),
            Self::Str(s) => write!(f, "{}", Value::String((*s).to_string())),
            Self::Json(v) => write!(f, "{v}"),
        }
    }
}

impl Serialize for PropValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Number(n) => n.serialize(s),
            Self::Str(t) => s.serialize_str(t),
            Self::Json(v) => v.serialize(s),
        }
    }
}

impl Properties {
    /// No properties.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.key_list().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.key_list().is_empty()
    }

    fn key_list(&self) -> &[Arc<str>] {
        self.keys.as_deref().unwrap_or(&[])
    }

    /// The `i`th value.
    fn value(&self, i: usize) -> Option<PropValue<'_>> {
        let n = self.len();
        let end_at = |i: usize| -> Option<usize> {
            let at = n + 4 * i;
            let bytes = self.data.get(at..at + 4)?;
            Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
        };
        let tag = Tag::of(*self.data.get(i)?);
        let start = if i == 0 { 0 } else { end_at(i - 1)? };
        let text_at = 5 * n;
        let bytes = self.data.get(text_at + start..text_at + end_at(i)?)?;
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        Some(match tag {
            Tag::Null => PropValue::Null,
            Tag::False => PropValue::Bool(false),
            Tag::True => PropValue::Bool(true),
            Tag::Number => number_of(text).map_or(PropValue::Null, PropValue::Number),
            Tag::Str => PropValue::Str(text),
            Tag::Json => serde_json::from_str(text).map_or(PropValue::Null, PropValue::Json),
        })
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<PropValue<'_>> {
        let i = self.key_list().iter().position(|k| &**k == key)?;
        self.value(i)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.key_list().iter().any(|k| &**k == key)
    }

    /// The `i`th key, shared (features read from one file share their keys' text).
    pub fn key(&self, i: usize) -> Option<Arc<str>> {
        self.key_list().get(i).cloned()
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.key_list().iter().map(|k| &**k)
    }

    /// The keys with their values, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            properties: self,
            next: 0,
        }
    }

    /// Whether `other` has the very same key list (not just equal keys): a quick test that
    /// lets a walk over many features skip keys it has seen.
    pub fn shares_keys_with(&self, other: &Self) -> bool {
        match (&self.keys, &other.keys) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// The same properties without `key`.
    pub fn without(&self, key: &str) -> Self {
        let mut b = Builder::default();
        for (k, v) in self.iter().filter(|(k, _)| *k != key) {
            b.push_value(Cow::Borrowed(k), &v);
        }
        // Fewer values than these, so no more text.
        b.finish().unwrap_or_default()
    }

    /// As a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_value()))
            .collect()
    }
}

/// The keys of [`Properties`] with their values, in order.
pub struct Iter<'a> {
    properties: &'a Properties,
    next: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, PropValue<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        let p = self.properties;
        let key = p.key_list().get(self.next)?;
        let value = p.value(self.next)?;
        self.next += 1;
        Some((key, value))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.properties.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Properties {
    type Item = (&'a str, PropValue<'a>);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Properties {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Properties {
    /// The properties of a JSON object.
    ///
    /// # Errors
    /// When their text passes what one feature's buffer can address.
    pub fn from_map(map: Map<String, Value>) -> Result<Self, TooMuchText> {
        let mut b = Builder::default();
        for (k, v) in map {
            b.push_json(Cow::Owned(k), &v);
        }
        b.finish()
    }
}

/// For properties made in code (tests, the basemap's own): ones past 4 GiB of text are
/// none, with a warning in the log. A file's are read with [`Properties::from_map`] or
/// deserialised, which say so instead.
impl From<Map<String, Value>> for Properties {
    fn from(map: Map<String, Value>) -> Self {
        Self::from_map(map).unwrap_or_else(|e| {
            log::warn!("{e}: left out");
            Self::default()
        })
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, &v)?;
        }
        map.end()
    }
}

/// Read straight from JSON text: strings go into the buffer without a `Value` of their own.
impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PropertiesVisitor)
    }
}

struct PropertiesVisitor;

impl<'de> Visitor<'de> for PropertiesVisitor {
    type Value = Properties;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of properties")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Properties, A::Error> {
        let mut b = Builder::default();
        while let Some(key) = map.next_key::<CowKey<'de>>()? {
            let value = map.next_value_seed(b.seed())?;
            b.push(key.0, value);
        }
        b.finish().map_err(de::Error::custom)
    }
}

/// A key borrowed from the text where it has no escapes.
struct CowKey<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for CowKey<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = CowKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<CowKey<'de>, E> {
                Ok(CowKey(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CowKey<'de>, E> {
                Ok(CowKey(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<CowKey<'de>, E> {
                Ok(CowKey(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// One value as built: its tag and where its text lies in the builder's text.
type Built = (Tag, std::ops::Range<usize>);

/// One value read, its text (if any) appended to `text`.
struct ValueSeed<'b> {
    text: &'b mut String,
}

impl ValueSeed<'_> {
    fn put(self, tag: Tag, write: impl FnOnce(&mut String)) -> Built {
        let start = self.text.len();
        write(self.text);
        (tag, start..self.text.len())
    }

    fn null(self) -> Built {
        self.put(Tag::Null, |_| ())
    }

    fn bool(self, b: bool) -> Built {
        self.put(if b { Tag::True } else { Tag::False }, |_| ())
    }

    fn number(self, n: &Number) -> Built {
        // Writing to a `String` cannot fail.
        self.put(Tag::Number, |t| _ = write!(t, "{n}"))
    }

    fn str(self, s: &str) -> Built {
        self.put(Tag::Str, |t| t.push_str(s))
    }

    /// An array or an object, as compact JSON.
    fn json(self, v: &Value) -> Built {
        self.put(Tag::Json, |t| _ = write!(t, "{v}"))
    }

    /// Any JSON value, by its kind.
    fn value(self, v: &Value) -> Built {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => self.number(n),
            Value::String(s) => self.str(s),
            other => self.json(other),
        }
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Built;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Built, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Built;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Built, E> {
        Ok(self.null())
    }
    fn visit_none<E: de::Error>(self) -> Result<Built, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Built, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Built, E> {
        Ok(self.bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Built, E> {
        Ok(self.number(&v.into()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Built, E> {
        Ok(self.number(&v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Built, E> {
        // As serde_json's `Value` reads it: a number JSON cannot hold is null.
        Ok(match Number::from_f64(v) {
            Some(n) => self.number(&n),
            None => self.null(),
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Built, E> {
        Ok(self.str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Built, A::Error> {
        let v = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(self.json(&v))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Built, A::Error> {
        let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(self.json(&v))
    }
}

/// A number's JSON text read back: as an integer where it is one.
fn number_of(text: &str) -> Option<Number> {
    if let Ok(u) = text.parse::<u64>() {
        Some(u.into())
    } else if let Ok(i) = text.parse::<i64>() {
        Some(i.into())
    } else {
        text.parse::<f64>().ok().and_then(Number::from_f64)
    }
}

/// Key lists kept to share: the features of a file mostly have one of a few.
const RECENT_LISTS: usize = 32;
/// Key names kept to share; past this many, or this many bytes of them (a file whose keys are
/// all different, or long), the names are let go and collected afresh.
const NAMES_HELD: usize = 4096;
const NAME_BYTES_HELD: usize = 1 << 20;

thread_local! {
    static KEY_CACHE: RefCell<KeyCache> = RefCell::new(KeyCache::default());
}

/// The key lists made last on this thread, and the key names seen.
#[derive(Default)]
struct KeyCache {
    /// Most recent first.
    lists: VecDeque<Keys>,
    names: HashSet<Arc<str>>,
    /// The bytes of `names`.
    name_bytes: usize,
}

impl KeyCache {
    /// The shared list of `keys`: one made lately, or a new one of shared names.
    fn list(&mut self, keys: &[Cow<'_, str>]) -> Keys {
        let same = |k: &Keys| k.len() == keys.len() && k.iter().zip(keys).all(|(a, b)| **a == **b);
        if let Some(i) = self.lists.iter().position(same)
            && let Some(found) = self.lists.remove(i)
        {
            self.lists.push_front(Arc::clone(&found));
            return found;
        }
        if self.names.len() > NAMES_HELD || self.name_bytes > NAME_BYTES_HELD {
            self.names.clear();
            self.name_bytes = 0;
        }
        let list: Keys = keys.iter().map(|k| self.name(k)).collect();
        self.lists.push_front(Arc::clone(&list));
        self.lists.truncate(RECENT_LISTS);
        list
    }

    fn name(&mut self, key: &str) -> Arc<str> {
        if let Some(name) = self.names.get(key) {
            return Arc::clone(name);
        }
        let name: Arc<str> = Arc::from(key);
        self.names.insert(Arc::clone(&name));
        self.name_bytes += key.len();
        name
    }
}

/// Properties being put together.
#[derive(Default)]
struct Builder<'k> {
    keys: Vec<Cow<'k, str>>,
    values: Vec<Built>,
    text: String,
}

impl<'k> Builder<'k> {
    fn push(&mut self, key: Cow<'k, str>, value: Built) {
        self.keys.push(key);
        self.values.push(value);
    }

    fn seed(&mut self) -> ValueSeed<'_> {
        ValueSeed {
            text: &mut self.text,
        }
    }

    fn push_value(&mut self, key: Cow<'k, str>, value: &PropValue<'_>) {
        let built = match value {
            PropValue::Null => self.seed().null(),
            PropValue::Bool(b) => self.seed().bool(*b),
            PropValue::Number(n) => self.seed().number(n),
            PropValue::Str(s) => self.seed().str(s),
            PropValue::Json(v) => self.seed().json(v),
        };
        self.push(key, built);
    }

    fn push_json(&mut self, key: Cow<'k, str>, value: &Value) {
        let built = self.seed().value(value);
        self.push(key, built);
    }

    fn finish(mut self) -> Result<Properties, TooMuchText> {
        if self.keys.is_empty() {
            return Ok(Properties::default());
        }
        self.merge_repeated_keys();
        let n = self.keys.len();
        let text_len: usize = self.values.iter().map(|(_, r)| r.len()).sum();
        u32::try_from(text_len).map_err(|_| TooMuchText)?;
        let mut data = Vec::with_capacity(5 * n + text_len);
        data.extend(self.values.iter().map(|(tag, _)| *tag as u8));
        let mut end = 0u32;
        for (_, range) in &self.values {
            // Within the total checked above.
            end = end.saturating_add(u32::try_from(range.len()).unwrap_or(u32::MAX));
            data.extend_from_slice(&end.to_le_bytes());
        }
        for (_, range) in &self.values {
            data.extend_from_slice(self.text.as_bytes().get(range.clone()).unwrap_or_default());
        }
        let keys = KEY_CACHE.with(|cache| cache.borrow_mut().list(&self.keys));
        Ok(Properties {
            keys: Some(keys),
            data: data.into_boxed_slice(),
        })
    }

    /// A key given twice keeps its first place and takes its last value.
    fn merge_repeated_keys(&mut self) {
        let mut seen = HashSet::with_capacity(self.keys.len());
        if self.keys.iter().all(|k| seen.insert(&**k)) {
            return;
        }
        let mut keys: Vec<Cow<'k, str>> = Vec::new();
        let mut values: Vec<Built> = Vec::new();
        for (k, v) in self.keys.drain(..).zip(self.values.drain(..)) {
            match keys.iter().position(|seen| *seen == k) {
                Some(i) => values[i] = v,
                None => {
                    keys.push(k);
                    values.push(v);
                }
            }
        }
        self.keys = keys;
        self.values = values;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Properties {
        serde_json::from_str(text).expect("properties")
    }

    #[test]
    fn every_kind_of_value_reads_back_as_json_has_it() {
        let text = r#"{"name":"Gwadar \"port\"","n":7,"neg":-3,"x":2.5,"big":18446744073709551615,"ok":true,"none":null,"list":[1,"a"],"obj":{"k":1},"empty":""}"#;
        let p = read(text);
        let expected: Map<String, Value> = serde_json::from_str(text).expect("map");
        assert_eq!(p.to_map(), expected);
        assert_eq!(serde_json::to_string(&p).expect("json"), text);
        assert_eq!(
            p.get("name").and_then(|v| v.as_str()),
            Some("Gwadar \"port\"")
        );
        assert_eq!(p.get("x").and_then(|v| v.as_f64()), Some(2.5));
        assert_eq!(p.get("n").and_then(|v| v.as_u64()), Some(7));
        assert_eq!(
            p.get("list").and_then(|v| v.as_array().map(Vec::len)),
            Some(2)
        );
        assert!(p.get("none").is_some_and(|v| v.is_null()));
        assert_eq!(p.get("missing"), None);
        assert_eq!(p.get("x").map(|v| v.to_string()), Some("2.5".into()));
        assert_eq!(
            p.get("name").map(|v| v.to_string()),
            Some(r#""Gwadar \"port\"""#.into())
        );
    }

    #[test]
    fn order_is_kept_and_a_repeated_key_keeps_its_place_and_last_value() {
        let p = read(r#"{"z":1,"a":2,"z":3,"m":4}"#);
        assert_eq!(p.keys().collect::<Vec<_>>(), ["z", "a", "m"]);
        assert_eq!(p.get("z").and_then(|v| v.as_u64()), Some(3));
        let m: Map<String, Value> =
            serde_json::from_str(r#"{"z":1,"a":2,"z":3,"m":4}"#).expect("map");
        assert_eq!(p.to_map(), m);
    }

    #[test]
    fn features_with_the_same_keys_share_one_list() {
        let a = read(r#"{"name":"A","status":"planned"}"#);
        let b = read(r#"{"name":"B","status":"built"}"#);
        let c = read(r#"{"status":"built","name":"C"}"#);
        assert!(a.shares_keys_with(&b));
        assert!(!b.shares_keys_with(&c));
        assert_eq!(b.get("name").and_then(|v| v.as_str()), Some("B"));
        assert_eq!(c.get("name").and_then(|v| v.as_str()), Some("C"));
    }

    #[test]
    fn from_a_map_and_without_a_key() {
        let Value::Object(map) = json!({"confidence": "B", "source": "CPEC Authority", "n": 1})
        else {
            unreachable!()
        };
        let p = Properties::from(map.clone());
        assert_eq!(p.to_map(), map);
        let q = p.without("confidence");
        assert_eq!(q.keys().collect::<Vec<_>>(), ["source", "n"]);
        assert_eq!(
            q.get("source").and_then(|v| v.as_str()),
            Some("CPEC Authority")
        );
        assert!(Properties::new().is_empty());
        assert_eq!(Properties::from(Map::new()), Properties::new());
    }

    #[test]
    fn a_dozen_short_properties_take_a_fraction_of_a_json_map() {
        let text = r#"{"k0":"v1","k1":"v1","k2":"v1","k3":"v1","k4":"v1","k5":"v1","k6":"v1","k7":"v1","k8":"v1","k9":"v1","k10":"v1","k11":"v1","n":12}"#;
        let _shared = read(text);
        let p = read(text);
        // The keys are shared; a tag and an end a value, and the text "v1" × 12 and "12".
        let held = std::mem::size_of::<Properties>() + p.data.len();
        assert_eq!(p.data.len(), 13 * 5 + 26);
        assert!(held < 13 * 10, "{held} bytes");
        assert_eq!(p.get("n").and_then(|v| v.as_u64()), Some(12));
        assert_eq!(p.get("k11").and_then(|v| v.as_str()), Some("v1"));
    }

    #[test]
    fn features_alternating_between_key_orders_share_their_lists_and_names() {
        let a = read(r#"{"name":"A","kind":"road"}"#);
        let b = read(r#"{"kind":"rail","name":"B"}"#);
        let c = read(r#"{"name":"C","kind":"track"}"#);
        let d = read(r#"{"kind":"road","name":"D"}"#);
        assert!(a.shares_keys_with(&c) && b.shares_keys_with(&d));
        assert!(!a.shares_keys_with(&b));
        // Different lists, the same names.
        let (ka, kb) = (a.key_list(), b.key_list());
        assert!(Arc::ptr_eq(&ka[0], &kb[1]) && Arc::ptr_eq(&ka[1], &kb[0]));
        assert_eq!(d.get("name").and_then(|v| v.as_str()), Some("D"));
    }

    #[test]
    fn the_names_kept_to_share_stay_within_their_bytes() {
        // A file whose every feature has one new, long key (as a fuzzer makes them): the
        // names kept are let go past a megabyte, and the features still read their keys.
        let mut cache = KeyCache::default();
        let mut longest_held = 0;
        for i in 0..200 {
            let key = format!("{i}-{}", "k".repeat(20_000));
            let list = cache.list(&[Cow::Owned(key.clone())]);
            assert_eq!(&*list[0], key);
            longest_held = longest_held.max(cache.name_bytes);
        }
        assert!(longest_held <= NAME_BYTES_HELD + 20_100, "{longest_held}");
        assert!(cache.names.len() < 100);
    }

    #[test]
    fn numbers_read_back_as_written() {
        let p = read(r#"{"a":-12,"b":1.5e300,"c":0.1,"d":18446744073709551615,"e":-0.0}"#);
        let m: Map<String, Value> = serde_json::from_str(
            r#"{"a":-12,"b":1.5e300,"c":0.1,"d":18446744073709551615,"e":-0.0}"#,
        )
        .expect("map");
        assert_eq!(p.to_map(), m);
        assert_eq!(p.get("c").and_then(|v| v.as_f64()), Some(0.1));
        assert_eq!(p.get("a").and_then(|v| v.as_u64()), None);
    }
}
