// The feature scatter's named groups: a rubber band's points saved under a name into the
// Session (where every panel can colour by them), colouring the map by a group, and the groups'
// CSV file.
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QToolButton>
#include <algorithm>

#include "core/Errors.h"
#include "core/analysis/featurescatter/TokenGroups.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/featurescatter/FeatureMapView.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

void FeatureScatterPanel::buildGroupControls(QHBoxLayout* bar) {
    saveGroupButton_ = new QPushButton(tr("Save Group…"), this);
    saveGroupButton_->setToolTip(
        tr("Name the selected points as a group: every panel can then colour by it"));
    saveGroupButton_->setEnabled(false);
    auto* groupsButton = new QToolButton(this);
    groupsButton->setText(tr("Groups"));
    groupsButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(groupsButton);
    menu->addAction(tr("Save Groups as CSV…"), this, [this]() {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save groups"), QStringLiteral("groups.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        try {
            saveGroups(path);
        } catch (const UserError& e) {
            QMessageBox::warning(this, tr("Groups not saved"), e.message());
        }
    });
    menu->addAction(tr("Load Groups from CSV…"), this, [this]() {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load groups"), QString(), tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        try {
            info_->setText(loadGroups(path));
        } catch (const UserError& e) {
            QMessageBox::warning(this, tr("Groups not loaded"), e.message());
        }
    });
    menu->addAction(tr("Forget All Groups"), this, [this]() { session().setTokenGroups({}); });
    groupsButton->setMenu(menu);
    bar->addWidget(saveGroupButton_);
    bar->addWidget(groupsButton);
    connect(saveGroupButton_, &QPushButton::clicked, this, [this]() {
        bool ok = false;
        const QString name = QInputDialog::getText(
            this, tr("Save Group"),
            tr("Name for the %Ln selected points:", "", int(selected_.size())), QLineEdit::Normal,
            tr("group %1").arg(session().tokenGroups().size() + 1), &ok);
        if (!ok) return;
        try {
            saveSelectionAsGroup(name);
        } catch (const UserError& e) {
            QMessageBox::warning(this, tr("Group not saved"), e.message());
        }
    });
}

void FeatureScatterPanel::saveSelectionAsGroup(const QString& rawName) {
    const QString name = rawName.trimmed();
    if (selected_.empty())
        throw UserError(tr("Select points first: drag a rectangle over the map."));
    if (name.isEmpty()) throw UserError(tr("A group needs a name."));
    QVector<TokenGroup> groups = session().tokenGroups();
    for (const TokenGroup& g : groups)
        if (g.name == name) throw UserError(tr("There is already a group called “%1”.").arg(name));
    if (!embeddingMap_ && !stateMap_) throw UserError(tr("There is no map to take a group from."));
    TokenGroup group = selectionAsGroup(selected_);
    group.name = name;
    group.colour = int(groups.size());
    groups << group;
    session().setTokenGroups(groups);
    // Show what was saved: the map coloured by the new group.
    const int i = colourBox_->findData(kGroupColouring + int(groups.size()) - 1);
    if (i >= 0) colourBox_->setCurrentIndex(i);
    const QString members =
        group.size() == 1 ? tr("1 member") : tr("%L1 members").arg(group.size());
    info_->setText(tr("Group “%1”: %2; every panel can colour by it.").arg(name, members));
}

TokenGroup FeatureScatterPanel::selectionAsGroup(const std::vector<qint64>& points) const {
    TokenGroup group;
    if (embeddingMap_) {
        // The output map's words are ids of the target vocabulary: the group says so, and
        // colours the decoder's output tokens only.
        group.vocabulary = embeddingMap_->embeddings.output ? TokenRef::Output : TokenRef::Input;
        for (qint64 p : points) group.tokenIds << embeddingMap_->tokenIds[size_t(p)];
    } else if (stateMap_) {
        for (qint64 p : points)
            group.occurrences << TokenRef{stateMap_->samples[size_t(p)], int(stateMap_->axis),
                                          stateMap_->steps[size_t(p)]};
    }
    return group;
}

GroupVocabularies FeatureScatterPanel::groupVocabularies() const {
    GroupVocabularies v;
    if (const auto store = session().store()) {
        v.input = store->info().inputVocabulary;
        v.output = store->info().outputVocabulary;
    }
    if (const auto model = session().model()) {
        if (v.input.isEmpty()) v.input = model->meta().input.vocab;
        if (v.output.isEmpty()) v.output = model->meta().targetVocab;
    }
    // The map's own spelling wins: it is what the user picked the words from.
    if (embeddingMap_)
        (embeddingMap_->embeddings.output ? v.output : v.input) = embeddingMap_->embeddings.tokens;
    return v;
}

void FeatureScatterPanel::saveGroups(const QString& path) const {
    if (session().tokenGroups().isEmpty())
        throw UserError(tr("There are no groups to save yet (select points, then Save Group…)."));
    saveTokenGroups(path, session().tokenGroups(), groupVocabularies(), session().store().get());
}

QString FeatureScatterPanel::loadGroups(const QString& path) {
    const GroupVocabularies vocabularies = groupVocabularies();
    if (vocabularies.input.isEmpty() && vocabularies.output.isEmpty())
        throw UserError(tr("Open a model with a vocabulary before loading groups."));
    QString report;
    const QVector<TokenGroup> loaded =
        loadTokenGroups(path, vocabularies, session().store().get(), &report);
    // Loaded groups replace groups of the same name and follow the others.
    QVector<TokenGroup> groups = session().tokenGroups();
    for (TokenGroup g : loaded) {
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const TokenGroup& o) { return o.name == g.name; });
        if (it != groups.end()) {
            g.colour = it->colour;
            *it = g;
        } else {
            g.colour = int(groups.size());
            groups << g;
        }
    }
    session().setTokenGroups(groups);
    return report;
}

void FeatureScatterPanel::rebuildGroupColourings() {
    const QString previousText = colourBox_->currentText();
    {
        QSignalBlocker block(colourBox_);
        for (int i = colourBox_->count() - 1; i >= 0; --i)
            if (colourBox_->itemData(i).toInt() >= kGroupColouring) colourBox_->removeItem(i);
        const auto& groups = session().tokenGroups();
        if (embeddingMap_ || stateMap_)
            for (int g = 0; g < groups.size(); ++g)
                colourBox_->addItem(tr("Group: %1").arg(groups[g].name), kGroupColouring + g);
        const int same = colourBox_->findText(previousText);
        colourBox_->setCurrentIndex(std::max(0, same));
    }
    updateColours();
}

bool FeatureScatterPanel::colourByGroup(int index) {
    const auto& groups = session().tokenGroups();
    if (index < 0 || index >= groups.size()) return false;
    const TokenGroup& group = groups[index];
    FeatureMapColours c;
    c.title = tr("token group");
    c.colours = {hiddenunits::categorical(group.colour), QColor(200, 200, 200)};
    c.names = QStringList{group.name, tr("others")};
    if (embeddingMap_) {
        // Words of the other vocabulary share ids with this one's but are other tokens.
        const int side = embeddingMap_->embeddings.output ? TokenRef::Output : TokenRef::Input;
        for (int id : embeddingMap_->tokenIds)
            c.band.push_back(group.vocabulary == side && group.tokenIds.contains(id) ? 0 : 1);
    } else if (stateMap_) {
        const TokenStateMap& m = *stateMap_;
        for (qint64 p = 0; p < m.pointCount(); ++p)
            c.band.push_back(group.contains(m.tokenIds[size_t(p)], m.samples[size_t(p)],
                                            int(m.axis), m.steps[size_t(p)])
                                 ? 0
                                 : 1);
    } else {
        return false;
    }
    view_->setColours(c);
    return true;
}

}  // namespace rnnscope
