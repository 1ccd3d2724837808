//! A feature's properties, stored compactly.
//!
//! A layer of a million points with a dozen short properties each is common (a QGIS export,
//! an Overpass dump). Held as `serde_json::Map`s, each property costs about 190 bytes (its key
//! as a `String`, a `Value`, the string's own allocation and the map's hash index) against the
//! 20 or so bytes of its text, and the layer takes many times its file. Here:
//! - the keys are stored once per run of features that share them, in file order (every
//!   feature of a homogeneous file points to the same list);
//! - numbers, booleans and nulls are 16 bytes each, inline;
//! - a feature's strings lie end to end in one buffer of its own;
//! - arrays and objects (rare in map data) stay JSON values.
//!
//! Order is kept as written, and a key given twice keeps its first place and its last value,
//! as `serde_json::Map` does with `preserve_order`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

/// The keys of one feature's properties, in order; shared by the features that have the same.
type Keys = Arc<[Box<str>]>;

/// One stored value: 16 bytes.
#[derive(Clone, Debug)]
enum Stored {
    Null,
    Bool(bool),
    PosInt(u64),
    NegInt(i64),
    Float(f64),
    /// A string in the feature's buffer: byte offset and length.
    Str(u32, u32),
    /// An array or an object, or a string too long for the buffer's offsets.
    Json(Box<Value>),
}

/// A feature's properties (see the module's notes): keys in file order, each with a value.
#[derive(Clone, Default)]
pub struct Properties {
    keys: Option<Keys>,
    values: Box<[Stored]>,
    text: Box<str>,
}

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
    Json(&'a Value),
}

impl<'a> PropValue<'a> {
    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Self::Str(s) => Some(s),
            Self::Json(Value::String(s)) => Some(s),
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
    pub fn as_array(&self) -> Option<&'a Vec<Value>> {
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
            Self::Json(v) => (*v).clone(),
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
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn key_list(&self) -> &[Box<str>] {
        self.keys.as_deref().unwrap_or(&[])
    }

    fn value<'a>(&'a self, stored: &'a Stored) -> PropValue<'a> {
        match stored {
            Stored::Null => PropValue::Null,
            Stored::Bool(b) => PropValue::Bool(*b),
            Stored::PosInt(n) => PropValue::Number((*n).into()),
            Stored::NegInt(n) => PropValue::Number((*n).into()),
            Stored::Float(x) => Number::from_f64(*x).map_or(PropValue::Null, PropValue::Number),
            Stored::Str(start, len) => {
                let start = *start as usize;
                PropValue::Str(self.text.get(start..start + *len as usize).unwrap_or(""))
            }
            Stored::Json(v) => PropValue::Json(v),
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<PropValue<'_>> {
        let i = self.key_list().iter().position(|k| &**k == key)?;
        self.values.get(i).map(|v| self.value(v))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.key_list().iter().any(|k| &**k == key)
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
            b.push_value(Cow::Borrowed(k), v);
        }
        b.finish()
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
        let value = p.values.get(self.next)?;
        self.next += 1;
        Some((key, p.value(value)))
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

impl From<Map<String, Value>> for Properties {
    fn from(map: Map<String, Value>) -> Self {
        let mut b = Builder::default();
        for (k, v) in map {
            b.push_json(Cow::Owned(k), v);
        }
        b.finish()
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
            let stored = map.next_value_seed(ValueSeed { text: &mut b.text })?;
            b.push(key.0, stored);
        }
        Ok(b.finish())
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

/// One value read into a [`Stored`], its string (if any) appended to `text`.
struct ValueSeed<'b> {
    text: &'b mut String,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Stored;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Stored, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Stored;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Stored, E> {
        Ok(Stored::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Stored, E> {
        Ok(Stored::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Stored, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Stored, E> {
        Ok(Stored::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Stored, E> {
        Ok(Stored::PosInt(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Stored, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Stored::PosInt(u),
            Err(_) => Stored::NegInt(v),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Stored, E> {
        // As serde_json's `Value` reads it: a number JSON cannot hold is null.
        Ok(if v.is_finite() {
            Stored::Float(v)
        } else {
            Stored::Null
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Stored, E> {
        Ok(store_str(self.text, v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Stored, A::Error> {
        let v = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Stored::Json(Box::new(v)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Stored, A::Error> {
        let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Stored::Json(Box::new(v)))
    }
}

/// A string put in the buffer, or kept as JSON when the buffer's offsets cannot reach it.
fn store_str(text: &mut String, s: &str) -> Stored {
    match (u32::try_from(text.len()), u32::try_from(s.len())) {
        (Ok(start), Ok(len)) if start.checked_add(len).is_some() => {
            text.push_str(s);
            Stored::Str(start, len)
        }
        _ => Stored::Json(Box::new(Value::String(s.to_string()))),
    }
}

thread_local! {
    /// The key list last made on this thread: the next feature most often has the same.
    static LAST_KEYS: RefCell<Option<Keys>> = const { RefCell::new(None) };
}

/// Properties being put together.
#[derive(Default)]
struct Builder<'k> {
    keys: Vec<Cow<'k, str>>,
    values: Vec<Stored>,
    text: String,
}

impl<'k> Builder<'k> {
    fn push(&mut self, key: Cow<'k, str>, value: Stored) {
        self.keys.push(key);
        self.values.push(value);
    }

    fn push_value(&mut self, key: Cow<'k, str>, value: PropValue<'_>) {
        let stored = match value {
            PropValue::Str(s) => store_str(&mut self.text, s),
            other => stored_json(other.to_value(), &mut self.text),
        };
        self.push(key, stored);
    }

    fn push_json(&mut self, key: Cow<'k, str>, value: Value) {
        let stored = stored_json(value, &mut self.text);
        self.push(key, stored);
    }

    fn finish(mut self) -> Properties {
        if self.keys.is_empty() {
            return Properties::default();
        }
        self.merge_repeated_keys();
        let keys = LAST_KEYS.with(|last| {
            let mut last = last.borrow_mut();
            match &*last {
                Some(k)
                    if k.len() == self.keys.len()
                        && k.iter().zip(&self.keys).all(|(a, b)| **a == **b) =>
                {
                    k.clone()
                }
                _ => {
                    let k: Keys = self.keys.iter().map(|k| Box::from(&**k)).collect();
                    *last = Some(k.clone());
                    k
                }
            }
        });
        Properties {
            keys: Some(keys),
            values: self.values.into_boxed_slice(),
            text: self.text.into_boxed_str(),
        }
    }

    /// A key given twice keeps its first place and takes its last value.
    fn merge_repeated_keys(&mut self) {
        let mut seen = HashSet::with_capacity(self.keys.len());
        if self.keys.iter().all(|k| seen.insert(&**k)) {
            return;
        }
        let mut keys: Vec<Cow<'k, str>> = Vec::new();
        let mut values: Vec<Stored> = Vec::new();
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

fn stored_json(value: Value, text: &mut String) -> Stored {
    match value {
        Value::Null => Stored::Null,
        Value::Bool(b) => Stored::Bool(b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Stored::PosInt(u),
            (None, Some(i), _) => Stored::NegInt(i),
            (None, None, Some(x)) => Stored::Float(x),
            (None, None, None) => Stored::Null,
        },
        Value::String(s) => store_str(text, &s),
        other => Stored::Json(Box::new(other)),
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
            p.get("list").and_then(|v| v.as_array()).map(Vec::len),
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
        // Inline, the 13 values and the strings' buffer; the keys are shared.
        let held = std::mem::size_of::<Properties>()
            + p.values.len() * std::mem::size_of::<Stored>()
            + p.text.len();
        assert_eq!(std::mem::size_of::<Stored>(), 16);
        assert!(held < 13 * 24, "{held} bytes");
    }
}
