//! Creating and dropping a migration's list of plain indexes, the same way in every migration.

use sea_orm_migration::prelude::*;

/// (name, table, columns)
pub type IndexList = &'static [(&'static str, &'static str, &'static [&'static str])];

/// Builds each index from the rows already there (nothing to backfill); one already present is kept.
pub async fn create(manager: &SchemaManager<'_>, indexes: IndexList) -> Result<(), DbErr> {
    for (name, table, columns) in indexes {
        let mut index = Index::create();
        index.name(*name).table(*table).if_not_exists();
        for column in *columns {
            index.col(*column);
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}

pub async fn drop(manager: &SchemaManager<'_>, indexes: IndexList) -> Result<(), DbErr> {
    for (name, table, _) in indexes {
        manager
            .drop_index(Index::drop().name(*name).table(*table).to_owned())
            .await?;
    }
    Ok(())
}
