//! The karte fields a mapping can fill, and the type of each.

use std::fmt;

/// A field type: which normaliser the cleansing stage applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    Name,
    Kana,
    Phone,
    PostalCode,
    Address,
    Date,
    Gender,
    Email,
    Amount,
    Text,
}

impl FieldType {
    pub const ALL: [FieldType; 10] = [
        FieldType::Name,
        FieldType::Kana,
        FieldType::Phone,
        FieldType::PostalCode,
        FieldType::Address,
        FieldType::Date,
        FieldType::Gender,
        FieldType::Email,
        FieldType::Amount,
        FieldType::Text,
    ];
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Name => "name",
            FieldType::Kana => "kana",
            FieldType::Phone => "phone",
            FieldType::PostalCode => "postal_code",
            FieldType::Address => "address",
            FieldType::Date => "date",
            FieldType::Gender => "gender",
            FieldType::Email => "email",
            FieldType::Amount => "amount",
            FieldType::Text => "text",
        }
    }
    pub fn parse(s: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.name() == s.trim())
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A customer field of a record. The database has one column per field
/// (see `store`), in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    CustomerNo,
    Name,
    FamilyName,
    GivenName,
    Kana,
    FamilyKana,
    GivenKana,
    Gender,
    BirthDate,
    Phone,
    Mobile,
    Phone2,
    Email,
    PostalCode,
    Prefecture,
    Address,
    Address2,
    FirstVisit,
    Note,
    Store,
    Attachment,
}

impl Field {
    pub const ALL: [Field; 21] = [
        Field::CustomerNo,
        Field::Name,
        Field::FamilyName,
        Field::GivenName,
        Field::Kana,
        Field::FamilyKana,
        Field::GivenKana,
        Field::Gender,
        Field::BirthDate,
        Field::Phone,
        Field::Mobile,
        Field::Phone2,
        Field::Email,
        Field::PostalCode,
        Field::Prefecture,
        Field::Address,
        Field::Address2,
        Field::FirstVisit,
        Field::Note,
        Field::Store,
        Field::Attachment,
    ];

    /// The name used in mappings and as the database column.
    pub fn name(self) -> &'static str {
        match self {
            Field::CustomerNo => "customer_no",
            Field::Name => "name",
            Field::FamilyName => "family_name",
            Field::GivenName => "given_name",
            Field::Kana => "kana",
            Field::FamilyKana => "family_kana",
            Field::GivenKana => "given_kana",
            Field::Gender => "gender",
            Field::BirthDate => "birth_date",
            Field::Phone => "phone",
            Field::Mobile => "mobile",
            Field::Phone2 => "phone2",
            Field::Email => "email",
            Field::PostalCode => "postal_code",
            Field::Prefecture => "prefecture",
            Field::Address => "address",
            Field::Address2 => "address2",
            Field::FirstVisit => "first_visit",
            Field::Note => "note",
            Field::Store => "store",
            Field::Attachment => "attachment",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == s.trim())
    }

    /// The type a field has unless the mapping says otherwise.
    pub fn default_type(self) -> FieldType {
        match self {
            Field::Name | Field::FamilyName | Field::GivenName => FieldType::Name,
            Field::Kana | Field::FamilyKana | Field::GivenKana => FieldType::Kana,
            Field::Gender => FieldType::Gender,
            Field::BirthDate | Field::FirstVisit => FieldType::Date,
            Field::Phone | Field::Mobile | Field::Phone2 => FieldType::Phone,
            Field::Email => FieldType::Email,
            Field::PostalCode => FieldType::PostalCode,
            Field::Prefecture | Field::Address | Field::Address2 => FieldType::Address,
            Field::CustomerNo | Field::Note | Field::Store | Field::Attachment => FieldType::Text,
        }
    }

    /// Fields that identify a person: a record needs one of them (or a
    /// customer number with an event) to be a customer record at all.
    pub fn is_personal(self) -> bool {
        matches!(
            self,
            Field::Name
                | Field::FamilyName
                | Field::GivenName
                | Field::Kana
                | Field::FamilyKana
                | Field::GivenKana
                | Field::Phone
                | Field::Mobile
                | Field::Phone2
                | Field::Email
        )
    }

    /// How values of several columns are joined by default.
    pub fn default_join(self) -> &'static str {
        match self {
            Field::Name | Field::Kana | Field::FamilyName | Field::GivenName | Field::FamilyKana | Field::GivenKana => " ",
            Field::Prefecture | Field::Address | Field::Address2 => "",
            Field::Note => "\n",
            _ => " ",
        }
    }
}

/// A field of an event (a visit or a purchase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventField {
    Date,
    Number,
    Item,
    Quantity,
    Amount,
    Staff,
    Note,
}

impl EventField {
    pub const ALL: [EventField; 7] = [
        EventField::Date,
        EventField::Number,
        EventField::Item,
        EventField::Quantity,
        EventField::Amount,
        EventField::Staff,
        EventField::Note,
    ];
    pub fn name(self) -> &'static str {
        match self {
            EventField::Date => "date",
            EventField::Number => "number",
            EventField::Item => "item",
            EventField::Quantity => "quantity",
            EventField::Amount => "amount",
            EventField::Staff => "staff",
            EventField::Note => "note",
        }
    }
    pub fn default_type(self) -> FieldType {
        match self {
            EventField::Date => FieldType::Date,
            EventField::Quantity | EventField::Amount => FieldType::Amount,
            _ => FieldType::Text,
        }
    }
}
